// One hand's third-party attestation (存证), checked in this browser: the server hands over the
// record exactly as it was hashed, its Merkle inclusion proof and the root an independent
// time-stamping authority (RFC 3161) signed, with the authority's time and name. The page hashes
// the record and walks the proof up to that root itself (RFC 9162, the same code the server runs);
// the token's signature is what the downloadable bundle lets anyone check with openssl.
import { verifyInclusion } from '@fairground/timestamp/merkle';
import { hexToBytes } from '@fairground/rules';
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { ApiError, type Response } from '../../shared/api.ts';
import { formatTimeMs } from '../../shared/i18n.ts';
import './attestation.css';

const TEXT = {
  zh: {
    title: '第三方存证',
    none: '这一局早于存证上线，没有时间戳。',
    queued: '已排队，等待下一次时间戳（每分钟一次）。',
    waiting: '已计入默克尔树，正在等待时间戳机构签名；机构恢复后会自动补签。',
    attested: '时间戳机构已签名：这一局的记录不晚于下面的时间存在，之后无法改动。',
    time: '签名时间',
    authority: '时间戳机构',
    proofOk: '本机验证：记录经默克尔证明算出的根与机构签名的根相同',
    proofBad: '本机验证失败：记录与签名的根不符，请联系客服',
    recordOk: '存证的记录就是上面显示的这一局',
    recordBad: '存证的记录与上面显示的这一局不同',
    download: '下载存证包',
    downloadHint: '用 openssl 或 verify-bundle.mjs 自行核验签名（见帮助文档“自己验证一局”）。',
    loading: '正在读取存证…',
  },
  en: {
    title: 'Third-party attestation',
    none: 'This hand was played before attestation existed; it has no time-stamp.',
    queued: 'Queued for the next time-stamp (once a minute).',
    waiting: 'In a Merkle tree waiting for the time-stamping authority to sign; it is signed as soon as the authority answers again.',
    attested:
      'Signed by the time-stamping authority: this hand’s record existed no later than the time below and cannot have changed since.',
    time: 'Signed at',
    authority: 'Authority',
    proofOk: 'Checked here: the record, through its Merkle proof, leads to the root the authority signed',
    proofBad: 'Check failed here: the record does not lead to the signed root — please contact support',
    recordOk: 'The attested record is the hand shown above',
    recordBad: 'The attested record differs from the hand shown above',
    download: 'Download the evidence bundle',
    downloadHint: 'Check the signature yourself with openssl or verify-bundle.mjs (see “Verify a hand yourself”).',
    loading: 'Reading the attestation…',
  },
} as const;

type Attestation = Response<'GET /api/rooms/:roomId/hands/:handNumber/attestation'>;

/** Whether the record's bytes lead, through the proof, to the signed root. */
export function proofHolds(a: Pick<Attestation, 'record' | 'leafIndex' | 'treeSize' | 'proof' | 'root'>): boolean {
  if (a.leafIndex === null || a.treeSize === null || a.root === null) return false;
  const root = hexToBytes(a.root);
  const proof = a.proof.map((h) => hexToBytes(h));
  if (root === null || proof.some((p) => p === null)) return false;
  return verifyInclusion({ data: new TextEncoder().encode(a.record) }, a.leafIndex, a.treeSize, proof as Uint8Array[], root);
}

/** The authority's common name from its X.500 name (`DirName:/O=…/CN=Fairground Sandbox TSA` → the CN). */
function authorityName(tsaName: string | null): string {
  if (tsaName === null) return '—';
  const cn = /CN=([^/,]+)/.exec(tsaName);
  return cn?.[1] ?? tsaName;
}

export function HandAttestation({ ctx, roomId, handNumber, shown }: { ctx: Ctx; roomId: string; handNumber: number; shown?: unknown }) {
  const t = TEXT[ctx.lang];
  const [a, setA] = useState<Attestation | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setA(null);
    setError(null);
    ctx.api.call('GET /api/rooms/:roomId/hands/:handNumber/attestation', { params: { roomId, handNumber } }).then(
      (r) => setA(r),
      (e: unknown) => setError(apiErrorLine(e)),
    );
  }, [roomId, handNumber]);

  const download = async () => {
    setError(null);
    await downloadBundle(ctx, roomId, handNumber).catch((e: unknown) => setError(apiErrorLine(e)));
  };

  if (error !== null)
    return (
      <p class="error small" role="alert">
        {error}
      </p>
    );
  if (a === null) return <p class="muted small">{t.loading}</p>;
  const signed = a.state === 'attested' || a.state === 'waiting';
  const proofOk = signed && proofHolds(a);
  const state = a.state as 'none' | 'queued' | 'waiting' | 'attested';
  // The page's hand and the attested bytes are the same record (the server writes records with JSON.stringify).
  const sameRecord = shown === undefined ? null : safeStringify(shown) === a.record;
  return (
    <div class="attestation" data-testid={`attestation-${handNumber}`} data-state={a.state} data-proof={String(proofOk)}>
      <h3>{t.title}</h3>
      <p class="small">{t[state]}</p>
      {a.state === 'attested' && a.token && (
        <dl class="small">
          <dt>{t.time}</dt>
          <dd data-testid="attestation-time">{formatTimeMs(a.token.genTimeMs)}</dd>
          <dt>{t.authority}</dt>
          <dd data-testid="attestation-authority" title={a.token.tsaName ?? ''}>
            {authorityName(a.token.tsaName)}
          </dd>
        </dl>
      )}
      {signed && <AttestationChecks t={t} proofOk={proofOk} sameRecord={sameRecord} />}
      {a.state === 'attested' && (
        <>
          <button type="button" class="pill" onClick={() => void download()} data-testid="attestation-download">
            {t.download}
          </button>
          <p class="muted small">{t.downloadHint}</p>
        </>
      )}
    </div>
  );
}

type Text = (typeof TEXT)[keyof typeof TEXT];

const apiErrorLine = (e: unknown): string => (e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));

/** The evidence bundle (record, proof, token, certificates) saved as one JSON file. */
async function downloadBundle(ctx: Ctx, roomId: string, handNumber: number): Promise<void> {
  const bundle = await ctx.api.call('GET /api/rooms/:roomId/hands/:handNumber/attestation/bundle', { params: { roomId, handNumber } });
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(bundle, null, 2)}\n`], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${roomId}-hand-${handNumber}.bundle.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The two checks made here: the proof leads to the signed root, and the record is the hand shown. */
function AttestationChecks({ t, proofOk, sameRecord }: { t: Text; proofOk: boolean; sameRecord: boolean | null }) {
  return (
    <ul class="checks">
      <li data-ok={String(proofOk)} data-testid="attestation-proof">
        <span aria-hidden="true">{proofOk ? '✓' : '✗'}</span> {proofOk ? t.proofOk : t.proofBad}
      </li>
      {sameRecord !== null && (
        <li data-ok={String(sameRecord)} data-testid="attestation-record">
          <span aria-hidden="true">{sameRecord ? '✓' : '✗'}</span> {sameRecord ? t.recordOk : t.recordBad}
        </li>
      )}
    </ul>
  );
}

function safeStringify(v: unknown): string | null {
  try {
    return JSON.stringify(v);
  } catch {
    return null;
  }
}
