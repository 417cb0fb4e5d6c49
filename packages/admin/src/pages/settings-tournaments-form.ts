// The tournament form's text fields: filled from a template with a schedule starting now, and read back into the create request.
import { fenToYuan, yuanToFen } from '@fairground/web';
import { bpsToPercent, percentToBps } from './settings-i18n.ts';

export interface Template {
  id: string;
  game: string;
  title: string;
  entryFeeFen: number;
  rakeBps: number;
  prizeWeights: number[];
  playersMin: number;
  playersMax: number;
  entryWindowMs: number;
  playWindowMs: number;
}

/** A time as the value of an <input type="datetime-local"> in the viewer's zone, and back. */
function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
function fromLocalInput(text: string): number | null {
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** The form for a template; the schedule starts at `nowMs`: entries stay open for the template's window, play for its play window after. */
export function formFromTemplate(t: Template, nowMs: number): Record<string, string> {
  const closes = nowMs + t.entryWindowMs;
  return {
    game: t.game,
    title: t.title,
    entryFee: fenToYuan(t.entryFeeFen),
    rake: bpsToPercent(t.rakeBps),
    prizeWeights: t.prizeWeights.join(','),
    playersMin: String(t.playersMin),
    playersMax: String(t.playersMax),
    entryClosesAt: toLocalInput(closes),
    endsAt: toLocalInput(closes + t.playWindowMs),
  };
}

/** The create request's body from the form, or null when an amount, a weight or a time does not parse. */
export function bodyFromForm(form: Record<string, string>) {
  const entryFeeFen = yuanToFen(form.entryFee ?? '');
  const rakeBps = percentToBps(form.rake ?? '');
  const prizeWeights = (form.prizeWeights ?? '')
    .split(/[,，\s]+/)
    .filter(Boolean)
    .map(Number);
  const entryClosesAtMs = fromLocalInput(form.entryClosesAt ?? '');
  const endsAtMs = fromLocalInput(form.endsAt ?? '');
  if (entryFeeFen === null || rakeBps === null || entryClosesAtMs === null || endsAtMs === null || !prizeWeights.every(Number.isInteger)) {
    return null;
  }
  return {
    game: form.game ?? '',
    title: form.title ?? '',
    entryFeeFen,
    rakeBps,
    prizeWeights,
    playersMin: Number(form.playersMin),
    playersMax: Number(form.playersMax),
    entryClosesAtMs,
    endsAtMs,
  };
}
