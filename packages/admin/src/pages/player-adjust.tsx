// A finance operator's manual balance adjustment on the player page: asset, signed amount and reason, sent once under an idempotency key.
import { type AssetCode, formatAmount, isMoneyAsset, yuanToFen } from '@fairground/web';
import { useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';

const ASSETS: AssetCode[] = ['CNY', 'ROOM_CARD', 'POINTS', 'BONUS'];

function newIdempotencyKey(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `adj-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** A yuan amount for money, a whole count for cards and points; null when it does not parse. */
function parseAmount(asset: AssetCode, amount: string): number | null {
  return isMoneyAsset(asset) ? yuanToFen(amount) : /^-?\d{1,12}$/.test(amount.trim()) ? Number(amount.trim()) : null;
}

function AssetSelect({ ctx, asset, onAsset }: { ctx: Ctx; asset: AssetCode; onAsset: (asset: AssetCode) => void }) {
  const { t } = ctx;
  return (
    <label>
      {t('asset')}
      <select data-testid="adjust-asset" value={asset} onChange={(e) => onAsset((e.target as HTMLSelectElement).value as AssetCode)}>
        {ASSETS.map((a) => (
          <option key={a} value={a}>
            {t(`asset_${a}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

function ReasonInput({ ctx, reason, onReason }: { ctx: Ctx; reason: string; onReason: (reason: string) => void }) {
  return (
    <label>
      {ctx.t('reason')}
      <input
        data-testid="adjust-reason"
        value={reason}
        required
        minLength={4}
        maxLength={200}
        onInput={(e) => onReason((e.target as HTMLInputElement).value)}
      />
    </label>
  );
}

interface AdjustFormProps {
  ctx: Ctx;
  playerId: string;
  onError: (error: string | null) => void;
  loadMoney: () => Promise<void>;
}

/** The form; its errors are said at the page's top through `onError`, and the balances reload after an adjustment. */
export function AdjustForm({ ctx, playerId, onError, loadMoney }: AdjustFormProps) {
  const { api, t } = ctx;
  const [asset, setAsset] = useState<AssetCode>('CNY');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [key, setKey] = useState(newIdempotencyKey());
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const adjust = async (event: Event) => {
    event.preventDefault();
    setResult(null);
    onError(null);
    const amountFen = parseAmount(asset, amount);
    if (amountFen === null || amountFen === 0) {
      onError(t('amountInvalid'));
      return;
    }
    setBusy(true);
    try {
      const r = await api.call('POST /api/admin/players/:playerId/adjustments', {
        params: { playerId },
        body: { asset, amountFen, reason, idempotencyKey: key },
      });
      setResult(r.replayed ? t('replayed') : t('adjusted', { amount: formatAmount(asset, amountFen) }));
      setKey(newIdempotencyKey());
      setAmount('');
      setReason('');
      await loadMoney();
    } catch (e) {
      onError(consoleError(ctx.lang, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={adjust} data-testid="adjust-form">
      <h2>{t('adjustTitle')}</h2>
      <AssetSelect ctx={ctx} asset={asset} onAsset={setAsset} />
      <label>
        {isMoneyAsset(asset) ? t('amountYuan') : t('amountUnits')}
        <input
          data-testid="adjust-amount"
          inputMode="decimal"
          value={amount}
          required
          onInput={(e) => setAmount((e.target as HTMLInputElement).value)}
        />
      </label>
      <ReasonInput ctx={ctx} reason={reason} onReason={setReason} />
      <button type="submit" class="primary" disabled={busy} data-testid="adjust-submit">
        {t('submitAdjust')}
      </button>
      {result && (
        <p class="ok" role="status" data-testid="adjust-result">
          {result}
        </p>
      )}
    </form>
  );
}
