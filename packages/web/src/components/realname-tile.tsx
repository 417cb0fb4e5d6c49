// The lobby's tile for real-name verification: where the player stands, and the way to the page
// (#/realname). Kept apart from the page so the page loads only when opened.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { Response } from '../shared/api.ts';

type Status = Response<'GET /api/me/kyc'>['status'];

const TEXT = {
  zh: { title: '实名认证', none: '未认证 · 去认证 →', pending: '核验中…', verified: '已认证 ✓', failed: '未通过 · 重新提交 →' },
  en: {
    title: 'Real name',
    none: 'Not verified · verify now →',
    pending: 'Being checked…',
    verified: 'Verified ✓',
    failed: 'Not verified · submit again →',
  },
} as const;

export function RealNameTile({ ctx }: { ctx: Ctx }) {
  const [status, setStatus] = useState<Status | null>(null);
  useEffect(() => {
    ctx.api.call('GET /api/me/kyc', {}).then(
      (s) => setStatus(s.status),
      () => setStatus(null),
    );
  }, [ctx.api]);
  if (status === null) return null;
  const t = TEXT[ctx.lang];
  return (
    <a class={`tile realname-tile ${status}`} href="#/realname" data-testid="open-realname" data-status={status}>
      <strong>{t.title}</strong>
      <span class={status === 'verified' ? 'realname-ok' : ''}>{t[status]}</span>
    </a>
  );
}
