// The sheet every spend passes through (room cards, a paid match, a tournament entry, a seat's
// fee): what is bought, what it costs and from which balance, confirmed by a second tap. Nothing
// is sent until the player confirms; cancelling sends nothing.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Lang } from '../shared/i18n.ts';

export interface SpendRequest {
  readonly title: string;
  /** Label and value pairs: what, price, from which balance. */
  readonly lines: readonly (readonly [string, string])[];
  readonly note?: string;
}

const TEXT = {
  zh: { confirm: '确认支付', cancel: '取消' },
  en: { confirm: 'Confirm and pay', cancel: 'Cancel' },
} as const;

export function ConfirmSpend({
  request,
  lang,
  onConfirm,
  onCancel,
}: {
  request: SpendRequest | null;
  lang: Lang;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d === null) return;
    if (request !== null && !d.open) d.showModal();
    if (request === null && d.open) d.close();
  }, [request]);
  const t = TEXT[lang];
  return (
    <dialog ref={ref} class="sheet" data-testid="confirm-sheet" onCancel={onCancel} aria-labelledby="confirm-spend-title">
      {request !== null && (
        <div class="card">
          <h2 id="confirm-spend-title">{request.title}</h2>
          <dl class="spend-lines">
            {request.lines.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          {request.note && <p class="muted small">{request.note}</p>}
          <div class="row">
            <button type="button" class="secondary" onClick={onCancel} data-testid="cancel-spend">
              {t.cancel}
            </button>
            <button type="button" class="primary" onClick={onConfirm} data-testid="confirm-spend">
              {t.confirm}
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}

/** The sheet and the function that opens it: `ask(request, spend)` runs `spend` only after a confirm. */
export function useSpendConfirmation(lang: Lang): {
  sheet: JSX.Element;
  ask: (request: SpendRequest, spend: () => Promise<void> | void) => void;
} {
  const [pending, setPending] = useState<{ request: SpendRequest; spend: () => Promise<void> | void } | null>(null);
  const sheet = (
    <ConfirmSpend
      request={pending?.request ?? null}
      lang={lang}
      onConfirm={() => {
        const p = pending;
        setPending(null);
        if (p !== null) void p.spend();
      }}
      onCancel={() => setPending(null)}
    />
  );
  return { sheet, ask: (request, spend) => setPending({ request, spend }) };
}
