// CSV exports of transfers, orders and hand histories for a period inside the last 180 days. The
// file is fetched with the operator's token and saved through a temporary object URL.
import { ApiError } from '@fairground/web';
import { useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { type OpsKey, opsText } from './ops-i18n.ts';
import { consoleError } from '../errors.ts';

const KINDS = ['transfers', 'orders', 'hands'] as const;
type Kind = (typeof KINDS)[number];
const DAY_MS = 24 * 3600_000;
const RETENTION_DAYS = 180;

/** yyyy-mm-dd of a local date. */
function dateText(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Local midnight of a yyyy-mm-dd, in ms. */
function dayStartMs(text: string): number {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime();
}

/** Fetches one export with the operator's token and saves it; answers the file's name and row count. */
async function saveExport(token: string | null, kind: Kind, from: string, to: string): Promise<{ file: string; rows: string }> {
  // The start of the retention window is clamped so "180 days ago" is always accepted.
  const fromMs = Math.max(dayStartMs(from), Date.now() - RETENTION_DAYS * DAY_MS + 60_000);
  const toMs = Math.min(dayStartMs(to) + DAY_MS, Date.now() + 1);
  // The file's times in the operator's own clock (the days picked above are local days), offset written out.
  const utcOffsetMinutes = -new Date(fromMs).getTimezoneOffset();
  const res = await fetch(`/api/admin/exports/${kind}?fromMs=${fromMs}&toMs=${toMs}&utcOffsetMinutes=${utcOffsetMinutes}`, {
    headers: { authorization: `Bearer ${token ?? ''}` },
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiError(res.status, { code: body.code ?? `HTTP_${res.status}`, message: body.message ?? `HTTP ${res.status}` });
  }
  const file = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `${kind}.csv`;
  const rows = res.headers.get('x-export-rows') ?? '?';
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { file, rows };
}

export function ExportsPage({ ctx }: { ctx: Ctx }) {
  const o = opsText(ctx.lang);
  const today = dateText(Date.now());
  const [kind, setKind] = useState<Kind>('transfers');
  const [from, setFrom] = useState(dateText(Date.now() - 7 * DAY_MS));
  const [to, setTo] = useState(today);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const download = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setDone(null);
    setError(null);
    try {
      const { file, rows } = await saveExport(ctx.api.accessToken, kind, from, to);
      setDone(o('exported', { file, rows }));
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main data-testid="exports-page">
      <form class="card" onSubmit={download}>
        <h1>{o('exportsTitle')}</h1>
        <p class="muted small">{o('exportsHint')}</p>
        <label>
          {o('exportKind')}
          <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as Kind)} data-testid="export-kind">
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {o(`kind_${k}` as OpsKey)}
              </option>
            ))}
          </select>
        </label>
        <DateRange o={o} from={from} setFrom={setFrom} to={to} setTo={setTo} today={today} />
        <div>
          <button type="submit" class="primary" disabled={busy} data-testid="export-submit">
            {o('download')}
          </button>
        </div>
        {done && (
          <p class="ok" role="status" data-testid="export-done">
            {done}
          </p>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}

interface RangeProps {
  o: ReturnType<typeof opsText>;
  from: string;
  setFrom(value: string): void;
  to: string;
  setTo(value: string): void;
  today: string;
}

/** The days to export, within the retention window. */
function DateRange({ o, from, setFrom, to, setTo, today }: RangeProps) {
  return (
    <div class="two">
      <label>
        {o('from')}
        <input
          type="date"
          value={from}
          min={dateText(Date.now() - RETENTION_DAYS * DAY_MS)}
          max={today}
          onInput={(e) => setFrom((e.target as HTMLInputElement).value)}
          data-testid="export-from"
        />
      </label>
      <label>
        {o('to')}
        <input type="date" value={to} max={today} onInput={(e) => setTo((e.target as HTMLInputElement).value)} data-testid="export-to" />
      </label>
    </div>
  );
}
