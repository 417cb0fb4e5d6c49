// Crashes at every named failpoint of a refund: see crash.ts.
import { crashSuite } from './crash.ts';

crashSuite('refund');
