// Named failpoints for crash tests. With `FAIL_AT=<name>` (or `<name>.<detail>`) in the
// environment, the process writes `FAILPOINT <name>` to stderr and kills itself with SIGKILL at
// that point: no handler runs, no buffer is flushed, exactly what a power cut or an OOM kill
// leaves behind. Tests assert the marker and the signal, restart the server and check that
// nothing was lost or paid twice. Without FAIL_AT this is one comparison.
import { writeSync } from 'node:fs';

export const FAILPOINTS = [
  /** A deposit order is committed, before the provider order is requested. */
  'after_order_created',
  /** A withdrawal's hold and outbox entry are committed, before the transfer bill is requested. */
  'after_hold',
  /** A refund's hold and outbox entry are committed, before the provider refund is requested. */
  'after_refund_hold',
  /** The provider answered a mutating call, before its answer is recorded. */
  'after_provider_call',
  /** A payment notification verified, before the order is marked paid and the wallet credited. */
  'before_credit',
  /** The credit committed, before the notification is answered. */
  'after_credit',
  /** A withdrawal or refund reached its final provider state, before the hold is posted or voided. */
  'before_settle',
] as const;
export type Failpoint = (typeof FAILPOINTS)[number];

const armed = process.env.FAIL_AT ?? '';

/** Kills the process here if FAIL_AT names this point (optionally narrowed to `detail`). */
export function failpoint(name: Failpoint, detail?: string): void {
  if (armed === '') return;
  if (armed !== name && !(detail !== undefined && armed === `${name}.${detail}`)) return;
  writeSync(2, `FAILPOINT ${armed}\n`);
  process.kill(process.pid, 'SIGKILL');
}
