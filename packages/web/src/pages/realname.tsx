// Real-name verification (实名认证): the player submits the name and number on their identity card,
// which the state anti-addiction system (NPPA) checks. The page says what is happening and what to
// do next in every state: not yet submitted, being checked (the system is working on it, or not
// answering — nothing to do, it is checked again automatically), verified, or not verified (why,
// and the form again).
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { errorText as playerErrorText } from '../shared/errors.ts';
import { ApiError, type Response } from '../shared/api.ts';
import { formatTimeMs, type Lang } from '../shared/i18n.ts';

type Status = Response<'GET /api/me/kyc'>;
type Minor = Response<'GET /api/me/responsible-play'>['minor'];

/** While a check waits, the page asks again this often. */
const POLL_MS = 10_000;

const TEXT = {
  zh: {
    title: '实名认证',
    intro:
      '根据国家新闻出版署的规定，充值和游戏前须通过国家网络游戏防沉迷实名验证系统核验姓名和身份证号。未满 18 周岁的玩家适用未成年人保护规则。',
    privacy: '姓名和身份证号加密保存，页面和客服只看到部分信息。',
    name: '真实姓名',
    namePlaceholder: '与身份证一致',
    idNumber: '身份证号',
    idPlaceholder: '18 位，末位可为 X',
    submit: '提交核验',
    submitting: '提交中…',
    refresh: '刷新',
    none: '尚未实名认证。认证后才能充值、开房、加入房间和参加比赛。',
    pendingTitle: '正在核验',
    pending_in_progress: '国家防沉迷实名验证系统正在核验你的身份，通常几分钟内完成。',
    pending_unavailable: '国家防沉迷实名验证系统暂时没有应答。你的提交已保存，我们会自动重试，无需重复提交。',
    pendingWhat: '核验完成前不能充值或游戏。本页会自动刷新。',
    submittedAt: '提交于 {at}，下次查询约在 {next}',
    verifiedTitle: '已实名认证',
    verifiedBy_nppa: '由国家网络游戏防沉迷实名验证系统核验',
    verifiedBy_other: '已核验（{by}）',
    verifiedAt: '认证时间 {at}',
    minor: '你未满 18 周岁（{age} 岁），适用未成年人保护规则：只能在规定的时段游戏，充值金额受限。',
    minorWindow: '当前可游戏至 {at}。',
    responsible: '查看理性游戏设置',
    failedTitle: '未通过核验',
    failed_not_matched: '姓名与身份证号不一致。请对照本人身份证重新填写，姓名中的“·”也要填写。',
    failed_id_in_use: '该身份证已在其他账号完成实名认证，一个身份只能认证一个账号。如有疑问请联系客服。',
    failed_expired: '国家系统长时间没有给出结果，本次提交已作废。请重新提交。',
    failedAt: '结果时间 {at}',
    platform: '微信已为你完成实名认证，但没有告诉我们你的年龄。为了执行未成年人保护规则，请提交一次身份信息。',
    unavailable: '本服务器未配置实名认证，暂时无法提交。',
    err_KYC_NAME_INVALID: '请填写身份证上的真实姓名（2–40 个字）。',
    err_KYC_ID_NUMBER_INVALID: '身份证号不正确，请检查 18 位号码和最后一位校验码。',
    err_VALIDATION_FAILED: '请填写姓名和 18 位身份证号。',
    err_KYC_REJECTED: '姓名与身份证号不一致，未通过核验。',
    err_KYC_ID_NUMBER_IN_USE: '该身份证已在其他账号完成实名认证。',
    err_KYC_PENDING: '上一次提交仍在核验中，请等待结果。',
    err_KYC_ATTEMPTS_EXCEEDED: '今天提交次数过多，请核对信息后明天再试。',
    err_KYC_ALREADY_VERIFIED: '你已完成实名认证。',
    err_KYC_PROVIDER_NOT_CONFIGURED: '本服务器未配置实名认证。',
    back: '返回',
  },
  en: {
    title: 'Real-name verification',
    intro:
      'Under the rules of the National Press and Publication Administration, your name and identity number are checked by the state anti-addiction real-name system before you can pay or play. Players under 18 are subject to the rules for minors.',
    privacy: 'Your name and number are stored encrypted; screens and support see them masked.',
    name: 'Real name',
    namePlaceholder: 'As on your identity card',
    idNumber: 'Identity number',
    idPlaceholder: '18 characters, the last may be X',
    submit: 'Submit for verification',
    submitting: 'Submitting…',
    refresh: 'Refresh',
    none: 'Not verified yet. Verification opens deposits, creating and joining rooms, and matches.',
    pendingTitle: 'Being checked',
    pending_in_progress: 'The state anti-addiction system is checking your identity; this usually takes a few minutes.',
    pending_unavailable:
      'The state anti-addiction system is not answering right now. Your submission is saved and we keep trying; there is no need to submit again.',
    pendingWhat: 'Payments and play open once it is verified. This page refreshes by itself.',
    submittedAt: 'Submitted {at}; checked again around {next}',
    verifiedTitle: 'Verified',
    verifiedBy_nppa: 'Checked by the state anti-addiction real-name system',
    verifiedBy_other: 'Checked ({by})',
    verifiedAt: 'Verified {at}',
    minor: 'You are under 18 ({age}), so the rules for minors apply: you may play only in the permitted hours, and payments are limited.',
    minorWindow: 'You may play until {at}.',
    responsible: 'Responsible play settings',
    failedTitle: 'Not verified',
    failed_not_matched:
      'The name and the identity number do not match. Enter them exactly as on your own identity card, including any “·”.',
    failed_id_in_use:
      'This identity is already verified on another account; one identity verifies one account. Contact support if this is wrong.',
    failed_expired: 'The state system gave no result for too long, so this submission was dropped. Please submit again.',
    failedAt: 'Result at {at}',
    platform:
      'WeChat has verified your real name but did not tell us your age. Submit your identity once so the rules for minors can apply.',
    unavailable: 'Real-name verification is not configured on this server.',
    err_KYC_NAME_INVALID: 'Enter your real name as on your identity card (2–40 letters).',
    err_KYC_ID_NUMBER_INVALID: 'That identity number is not valid: check the 18 characters and the last check character.',
    err_VALIDATION_FAILED: 'Enter your name and your 18-character identity number.',
    err_KYC_REJECTED: 'The name and the identity number do not match.',
    err_KYC_ID_NUMBER_IN_USE: 'This identity is already verified on another account.',
    err_KYC_PENDING: 'Your previous submission is still being checked; wait for its result.',
    err_KYC_ATTEMPTS_EXCEEDED: 'Too many submissions today; check your details and try again tomorrow.',
    err_KYC_ALREADY_VERIFIED: 'You are already verified.',
    err_KYC_PROVIDER_NOT_CONFIGURED: 'Real-name verification is not configured on this server.',
    back: 'Back',
  },
} as const;
type Key = keyof (typeof TEXT)['zh'];

function tr(lang: Lang, key: Key, vars: Record<string, string | number> = {}): string {
  return TEXT[lang][key].replace(/\{(\w+)\}/g, (_, n: string) => String(vars[n] ?? ''));
}

function errorText(lang: Lang, e: unknown): string {
  if (e instanceof ApiError) {
    const key = `err_${e.code}` as Key;
    if (key in TEXT[lang]) return tr(lang, key);
  }
  return playerErrorText(lang, e);
}

export function RealNamePage({ ctx }: { ctx: Ctx }) {
  const { api, lang } = ctx;
  const [realName, setRealName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { status, minor, load, show } = useKycStatus(ctx, setError);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await show(await api.call('POST /api/me/kyc', { body: { realName: realName.trim(), idNumber: idNumber.trim().toUpperCase() } }));
    } catch (e) {
      // A refusal by the state system is recorded: the page shows it as the latest result.
      if (e instanceof ApiError && (e.code === 'KYC_REJECTED' || e.code === 'KYC_ID_NUMBER_IN_USE')) await load();
      setError(errorText(lang, e));
    } finally {
      setBusy(false);
    }
  };

  const canSubmit = status?.available === true && (status.status === 'none' || status.status === 'failed');
  return (
    <main class="page" data-testid="realname-page" data-status={status?.status ?? ''}>
      <h1>{tr(lang, 'title')}</h1>
      <p class="muted small">{tr(lang, 'intro')}</p>
      {status?.platform === 'wechat_minigame' && status.status !== 'verified' && (
        <p class="notice small" data-testid="realname-platform">
          {tr(lang, 'platform')}
        </p>
      )}
      {status && !status.available && status.status !== 'verified' && <p class="notice">{tr(lang, 'unavailable')}</p>}
      {status?.status === 'none' && status.available && <p data-testid="realname-none">{tr(lang, 'none')}</p>}
      {status?.status === 'pending' && status.pending && (
        <PendingCard lang={lang} status={status} pending={status.pending} onRefresh={load} />
      )}
      {status?.status === 'verified' && <VerifiedCard lang={lang} status={status} minor={minor} />}
      {status?.status === 'failed' && status.failure && <FailedCard lang={lang} status={status} failure={status.failure} />}
      {canSubmit && (
        <RealNameForm
          lang={lang}
          realName={realName}
          setRealName={setRealName}
          idNumber={idNumber}
          setIdNumber={setIdNumber}
          busy={busy}
          onSubmit={submit}
        />
      )}
      {error && (
        <p class="error" role="alert" data-testid="realname-error">
          {error}
        </p>
      )}
      <button type="button" class="link" onClick={() => ctx.navigate('lobby')}>
        {tr(lang, 'back')}
      </button>
    </main>
  );
}

/** The player's real-name status, read again now and then while the state system works on it. */
function useKycStatus(ctx: Ctx, setError: (error: string | null) => void) {
  const { api, lang } = ctx;
  const [status, setStatus] = useState<Status | null>(null);
  const [minor, setMinor] = useState<Minor>(null);
  /** Shows a status; once verified, with the rules for minors that apply. */
  const show = async (s: Status) => {
    setStatus(s);
    if (s.status === 'verified') setMinor((await api.call('GET /api/me/responsible-play', {})).minor);
  };
  const load = useCallback(async () => {
    try {
      await show(await api.call('GET /api/me/kyc', {}));
    } catch (e) {
      setError(errorText(lang, e));
    }
  }, [api, lang]);

  useEffect(() => {
    void load();
  }, [load]);
  // While the state system works on it, ask again now and then.
  useEffect(() => {
    if (status?.status !== 'pending') return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [status?.status, load]);
  return { status, minor, load, show };
}

function MaskedIdentity({ status }: { status: Status }) {
  return (
    <p>
      {status.maskedName} · <code>{status.maskedIdNumber}</code>
    </p>
  );
}

function PendingCard(props: { lang: Lang; status: Status; pending: NonNullable<Status['pending']>; onRefresh: () => Promise<void> }) {
  const { lang, pending } = props;
  return (
    <section class="card realname-state pending" data-testid="realname-pending" data-reason={pending.reason} role="status">
      <h2>{tr(lang, 'pendingTitle')}</h2>
      <MaskedIdentity status={props.status} />
      <p>{tr(lang, pending.reason === 'in_progress' ? 'pending_in_progress' : 'pending_unavailable')}</p>
      <p class="muted small">{tr(lang, 'pendingWhat')}</p>
      <p class="muted small">
        {tr(lang, 'submittedAt', { at: formatTimeMs(pending.submittedAtMs), next: formatTimeMs(pending.nextCheckAtMs) })}
      </p>
      <button type="button" class="secondary" onClick={() => void props.onRefresh()} data-testid="realname-refresh">
        {tr(lang, 'refresh')}
      </button>
    </section>
  );
}

function VerifiedCard({ lang, status, minor }: { lang: Lang; status: Status; minor: Minor }) {
  return (
    <section class="card realname-state verified" data-testid="realname-verified">
      <h2>✓ {tr(lang, 'verifiedTitle')}</h2>
      <MaskedIdentity status={status} />
      <p class="muted small">
        {status.verifiedBy === 'nppa' ? tr(lang, 'verifiedBy_nppa') : tr(lang, 'verifiedBy_other', { by: status.verifiedBy ?? '' })}
        {status.verifiedAtMs !== null && <> · {tr(lang, 'verifiedAt', { at: formatTimeMs(status.verifiedAtMs) })}</>}
      </p>
      {minor && (
        <p class="notice small" data-testid="realname-minor">
          {tr(lang, 'minor', { age: minor.age })}
          {minor.windowEndMs !== null && minor.windowEndMs > Date.now() && (
            <> {tr(lang, 'minorWindow', { at: formatTimeMs(minor.windowEndMs) })}</>
          )}
        </p>
      )}
      <a href="#/responsible" class="link">
        {tr(lang, 'responsible')} →
      </a>
    </section>
  );
}

function FailedCard({ lang, status, failure }: { lang: Lang; status: Status; failure: NonNullable<Status['failure']> }) {
  return (
    <section class="card realname-state failed" data-testid="realname-failed" data-reason={failure.reason}>
      <h2>{tr(lang, 'failedTitle')}</h2>
      {status.maskedName && <MaskedIdentity status={status} />}
      <p>{tr(lang, `failed_${failure.reason}`)}</p>
      <p class="muted small">{tr(lang, 'failedAt', { at: formatTimeMs(failure.atMs) })}</p>
    </section>
  );
}

interface FormProps {
  lang: Lang;
  realName: string;
  setRealName(value: string): void;
  idNumber: string;
  setIdNumber(value: string): void;
  busy: boolean;
  onSubmit(event: Event): Promise<void>;
}

/** The name and number as on the identity card. */
function RealNameForm({ lang, realName, setRealName, idNumber, setIdNumber, busy, onSubmit }: FormProps) {
  return (
    <form class="card" onSubmit={onSubmit} data-testid="realname-form">
      <label>
        {tr(lang, 'name')}
        <input
          data-testid="realname-name"
          autocomplete="name"
          maxLength={40}
          value={realName}
          placeholder={tr(lang, 'namePlaceholder')}
          required
          onInput={(e) => setRealName((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        {tr(lang, 'idNumber')}
        <input
          data-testid="realname-id"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          maxLength={18}
          value={idNumber}
          placeholder={tr(lang, 'idPlaceholder')}
          required
          onInput={(e) => setIdNumber((e.target as HTMLInputElement).value)}
        />
      </label>
      <p class="muted small">{tr(lang, 'privacy')}</p>
      <button type="submit" class="primary" disabled={busy} data-testid="realname-submit">
        {busy ? tr(lang, 'submitting') : tr(lang, 'submit')}
      </button>
    </form>
  );
}
