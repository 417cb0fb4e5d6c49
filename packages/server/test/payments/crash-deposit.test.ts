// Crashes at every named failpoint of a deposit: see crash.ts.
import { crashSuite } from './crash.ts';

crashSuite('deposit');
