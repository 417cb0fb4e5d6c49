// My account and my data (on the settings page): download everything the platform keeps about me
// as one JSON file, and close my account — a confirm step that says what is erased and what is
// kept, refused in words while I still hold money, room cards or points, a withdrawal is in
// progress, or I sit in a room.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { ApiError, type Response } from '../shared/api.ts';
import { errorText } from '../shared/errors.ts';

type Closure = Response<'GET /api/me/account/closure'>;

const TEXT = {
  zh: {
    title: '账号与个人信息',
    exportHint:
      '下载平台保存的你的全部数据（资料、微信身份、实名状态、钱包流水、充值、提现、房间与订单、理性游戏设置），为一个数据文件（.json）。',
    export: '下载我的数据',
    exported: '已下载',
    closeTitle: '注销账号',
    closeHint:
      '注销后：昵称、头像、微信身份、手机号立即删除，所有登录失效，账号不可恢复。账本流水按法律保留，但只以随机编号记录，不再与你关联；实名信息加密保存 {days} 天后删除。用同一微信再次登录会得到一个新账号。',
    blocked: '现在还不能注销：',
    close: '注销账号',
    confirmTitle: '确认注销？',
    understand: '我明白注销后账号和数据不可恢复',
    confirm: '确认注销',
    cancel: '取消',
    closed: '账号已注销。感谢你的陪伴。',
    toLogin: '返回登录页',
  },
  en: {
    title: 'My account and my data',
    exportHint:
      'Download everything the platform keeps about you (profile, WeChat identities, real-name status, wallet entries, deposits, withdrawals, rooms and orders, responsible-play settings) as one JSON file.',
    export: 'Download my data',
    exported: 'Downloaded',
    closeTitle: 'Close my account',
    closeHint:
      'Closing erases your nickname, avatar, WeChat identities and phone number at once, signs you out everywhere, and cannot be undone. The ledger entries are kept as the law requires, under a random number that no longer leads to you; your real-name record stays sealed for {days} days, then is deleted. Signing in with the same WeChat later makes a new account.',
    blocked: 'You cannot close your account yet:',
    close: 'Close my account',
    confirmTitle: 'Close your account?',
    understand: 'I understand my account and data cannot be restored',
    confirm: 'Close it',
    cancel: 'Cancel',
    closed: 'Your account is closed. Thank you for playing.',
    toLogin: 'Back to sign-in',
  },
} as const;

type Text = (typeof TEXT)[keyof typeof TEXT];
type SetError = (error: string | null) => void;

export function AccountPanel({ ctx }: { ctx: Ctx }) {
  const t = TEXT[ctx.lang];
  const [closure, setClosure] = useState<Closure | null>(null);
  const [closed, setClosed] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    ctx.api.call('GET /api/me/account/closure', {}).then(setClosure, (e: unknown) => setError(errorText(ctx.lang, e)));
  }, [ctx.api]);

  if (closed) return <AccountClosed ctx={ctx} t={t} />;
  return (
    <section class="card" data-testid="account-panel">
      <h2>{t.title}</h2>
      <DataExport ctx={ctx} t={t} setError={setError} />
      <h3>{t.closeTitle}</h3>
      <p class="muted small">{t.closeHint.replace('{days}', String(closure?.kycRetentionDays ?? '—'))}</p>
      {closure && !closure.closable && <ClosureBlockers ctx={ctx} t={t} closure={closure} />}
      <CloseAccount ctx={ctx} t={t} closable={closure !== null && closure.closable} setError={setError} onClosed={() => setClosed(true)} />
      {error && (
        <p class="error" role="alert" data-testid="account-error">
          {error}
        </p>
      )}
    </section>
  );
}

/** After closing: the goodbye, and the way back to sign-in (the tokens are dropped then). */
function AccountClosed({ ctx, t }: { ctx: Ctx; t: Text }) {
  return (
    <section class="card" data-testid="account-closed">
      <h2>{t.closeTitle}</h2>
      <p class="ok">{t.closed}</p>
      <button
        type="button"
        class="primary"
        onClick={() => {
          ctx.api.setTokens(null);
          ctx.setMe(null);
        }}
        data-testid="account-closed-continue"
      >
        {t.toLogin}
      </button>
    </section>
  );
}

/** Everything the platform keeps about me, downloaded as one JSON file. */
function DataExport({ ctx, t, setError }: { ctx: Ctx; t: Text; setError: SetError }) {
  const [exported, setExported] = useState(false);
  const download = async () => {
    setError(null);
    try {
      const data = await ctx.api.call('GET /api/me/export', {});
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `fairground-my-data-${new Date(data.exportedAtMs).toISOString().slice(0, 10)}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 0);
      setExported(true);
    } catch (e) {
      setError(errorText(ctx.lang, e));
    }
  };
  return (
    <>
      <p class="muted small">{t.exportHint}</p>
      <button type="button" class="secondary" onClick={() => void download()} data-testid="export-data">
        {t.export}
      </button>
      {exported && (
        <p class="ok small" role="status" data-testid="export-done">
          {t.exported}
        </p>
      )}
    </>
  );
}

/** Why the account cannot be closed yet, one sentence per reason. */
function ClosureBlockers({ ctx, t, closure }: { ctx: Ctx; t: Text; closure: Closure }) {
  return (
    <div data-testid="closure-blockers">
      <p class="small">{t.blocked}</p>
      <ul class="small">
        {closure.blockers.map((b) => (
          <li key={b.code} data-code={b.code}>
            {errorText(ctx.lang, new ApiError(409, { code: b.code, message: '' }))}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The close button, then the confirm step that asks the player to say they understand. */
function CloseAccount(props: { ctx: Ctx; t: Text; closable: boolean; setError: SetError; onClosed: () => void }) {
  const { ctx, t, setError } = props;
  const [confirming, setConfirming] = useState(false);
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const close = async () => {
    setBusy(true);
    setError(null);
    try {
      await ctx.api.call('POST /api/me/account/close', { body: { confirm: true } });
      props.onClosed();
    } catch (e) {
      setError(errorText(ctx.lang, e));
    } finally {
      setBusy(false);
    }
  };
  if (!confirming) {
    return (
      <button type="button" class="danger" disabled={!props.closable} onClick={() => setConfirming(true)} data-testid="close-account">
        {t.close}
      </button>
    );
  }
  return (
    <div role="dialog" aria-label={t.confirmTitle} data-testid="close-confirm">
      <strong>{t.confirmTitle}</strong>
      <label class="switch">
        <input
          type="checkbox"
          checked={understood}
          onChange={(e) => setUnderstood((e.target as HTMLInputElement).checked)}
          data-testid="close-understand"
        />
        <span>{t.understand}</span>
      </label>
      <div class="row">
        <button type="button" class="danger" disabled={!understood || busy} onClick={() => void close()} data-testid="close-confirm-yes">
          {t.confirm}
        </button>
        <button type="button" class="secondary" onClick={() => setConfirming(false)} data-testid="close-confirm-no">
          {t.cancel}
        </button>
      </div>
    </div>
  );
}
