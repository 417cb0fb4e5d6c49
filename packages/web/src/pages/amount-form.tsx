// The one amount form of the money pages (deposit, withdraw): whatever the page shows first
// (limits, preset chips), the yuan amount with its problem checked as the player types, and the
// submit button. The amount is checked again on submit; the page receives integer fen only.
import type { ComponentChildren } from 'preact';
import { yuanToFen } from '../shared/money.ts';
import type { PaymentsText } from './payments-i18n.ts';

export interface AmountFormProps {
  /** Names the test ids and the problem's element id: `<name>-amount`, `<name>-amount-problem`, `<name>-submit`. */
  readonly name: 'deposit' | 'withdraw';
  readonly p: PaymentsText;
  readonly amount: string;
  readonly onAmount: (text: string) => void;
  /** Why this text cannot be sent now, or null. */
  readonly problem: (text: string) => string | null;
  readonly busy: boolean;
  /** Nothing can be sent now (the input and the button are disabled). */
  readonly blocked?: boolean;
  readonly submitClass: string;
  readonly submitLabel: string;
  /** Called with null when a submit starts, and with the reason when the amount is refused. */
  readonly onError: (message: string | null) => void;
  /** A checked amount in fen. */
  readonly onSubmit: (fen: number) => Promise<void>;
  readonly children?: ComponentChildren;
}

export function AmountForm(props: AmountFormProps) {
  const { name, p, amount, problem } = props;
  const blocked = props.blocked ?? false;
  const typed = amount.trim() === '' ? null : problem(amount);
  const submit = async (event: Event) => {
    event.preventDefault();
    props.onError(null);
    const refused = problem(amount);
    if (refused !== null) return props.onError(refused);
    const fen = yuanToFen(amount);
    if (fen === null) return props.onError(p('amountInvalid'));
    await props.onSubmit(fen);
  };
  return (
    <form class="card" onSubmit={submit}>
      {props.children}
      <label>
        {p('amountYuan')}
        <input
          data-testid={`${name}-amount`}
          inputMode="decimal"
          value={amount}
          disabled={blocked}
          aria-invalid={typed !== null}
          aria-describedby={`${name}-amount-problem`}
          onInput={(e) => {
            props.onAmount((e.target as HTMLInputElement).value);
            props.onError(null);
          }}
        />
      </label>
      {typed !== null && (
        <p class="error small" id={`${name}-amount-problem`} data-testid={`${name}-amount-problem`}>
          {typed}
        </p>
      )}
      <button type="submit" class={props.submitClass} disabled={props.busy || typed !== null || blocked} data-testid={`${name}-submit`}>
        {props.submitLabel}
      </button>
    </form>
  );
}
