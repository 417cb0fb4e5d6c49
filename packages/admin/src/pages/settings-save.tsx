// The end of every settings form: the reason for the change (kept with the version in the audit
// log), the save button, and what the server said. One component so every form reads the same.
import { fenToYuan, yuanToFen } from '@fairground/web';
import type { SettingsT } from './settings-i18n.ts';

export interface SaveBarProps {
  readonly s: SettingsT;
  readonly reason: string;
  onReason(reason: string): void;
  /** The button's words (save, publish). */
  readonly label: string;
  /** Test ids of the reason field and the button (each form keeps its own). */
  readonly reasonTestId?: string;
  readonly saveTestId: string;
  readonly note: string | null;
  readonly error: string | null;
}

export function SaveBar(p: SaveBarProps) {
  return (
    <>
      <label>
        {p.s('reason')}
        <input
          {...(p.reasonTestId ? { 'data-testid': p.reasonTestId } : {})}
          value={p.reason}
          maxLength={200}
          onInput={(e) => p.onReason((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" class="primary" data-testid={p.saveTestId}>
        {p.label}
      </button>
      {p.note && (
        <p class="ok" role="status" data-testid="settings-saved">
          {p.note}
        </p>
      )}
      {p.error && (
        <p class="error" role="alert" data-testid="settings-error">
          {p.s('error', { message: p.error })}
        </p>
      )}
    </>
  );
}

/** Fen as yuan for a form field, without thousands separators (a list of amounts is comma-separated). */
export function yuanField(fen: number): string {
  return fenToYuan(fen).replace(/,/g, '');
}

/** A yuan amount typed in a form field; null when it does not read. */
export function readYuan(text: string): number | null {
  return yuanToFen(text.trim());
}
