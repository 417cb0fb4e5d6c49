// Crashes at every named failpoint of a withdrawal: see crash.ts.
import { crashSuite } from './crash.ts';

crashSuite('withdrawal');
