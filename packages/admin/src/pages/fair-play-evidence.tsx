// A fair-play signal's evidence in words and figures on a review case: the colluding pair and its
// hands, the timing figures on the server's clock against the client's stamps, a copy's
// similarity and whom it copies, a linked group's kept entry. Anything else stays in the raw JSON.
import type { Lang } from '@fairground/web';

type Ev = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const obj = (v: unknown): Ev => (v !== null && typeof v === 'object' ? (v as Ev) : {});

const WORDS = {
  zh: {
    pair: '组合',
    hands: '同桌局数',
    avoidance: '比牌回避‰',
    oneWay: '单向输送‰',
    serverMean: '服务器收到间隔均值 ms',
    serverFast: '服务器时间过快占比‰',
    compression: '压缩比‰（服务器时间/客户端时间戳）',
    drift: '时间戳漂移 ms',
    clientFast: '时间戳过快占比‰',
    similarity: '走法相似度‰',
    llr: '抄袭证据（千分之一奈特）',
    copies: '抄袭对象',
    keptPlayer: '关联组中保留奖项的账号',
    group: '关联组',
    linkedTo: '关联对手',
    flags: '标记',
  },
  en: {
    pair: 'Pair',
    hands: 'Hands together',
    avoidance: 'Compare avoidance ‰',
    oneWay: 'One-way flow ‰',
    serverMean: 'Mean interval on the server’s clock, ms',
    serverFast: 'Too fast on the server’s clock ‰',
    compression: 'Compression ‰ (server time / stamped time)',
    drift: 'Stamp drift, ms',
    clientFast: 'Too fast on the stamps ‰',
    similarity: 'Move similarity ‰',
    llr: 'Copy evidence (milli-nats)',
    copies: 'Copies / copied by',
    keptPlayer: 'Entry of the group kept in the prizes',
    group: 'Linked group',
    linkedTo: 'Linked opponent',
    flags: 'Flags',
  },
} as const;

export function FairPlayEvidence({ lang, evidence }: { lang: Lang; evidence: unknown }) {
  const w = WORDS[lang];
  // Signals raised from other signals (a case's evidence) wrap the original in `detail`.
  const e = obj(evidence);
  const timing = obj(e.timing);
  const detail = obj(e.detail);
  const rows: [string, string][] = [];
  const add = (label: string, v: unknown) => {
    if (v === undefined || v === null || v === '') return;
    rows.push([label, Array.isArray(v) ? v.join(', ') : String(v)]);
  };
  if (Array.isArray(e.flags)) add(w.flags, e.flags);
  add(w.pair, e.pair);
  add(w.hands, num(e.hands));
  add(w.avoidance, num(e.avoidancePermille));
  add(w.oneWay, num(e.oneWayPermille));
  add(w.serverMean, num(timing.serverMeanMs));
  add(w.serverFast, num(timing.serverFastPermille));
  if (num(timing.compressionPermille) !== null && timing.compressionPermille !== 1000) add(w.compression, timing.compressionPermille);
  if (num(timing.driftMs) !== null && timing.driftMs !== 0) add(w.drift, timing.driftMs);
  add(w.clientFast, num(timing.fastPermille));
  add(w.similarity, num(detail.similarityPermille));
  add(w.llr, num(detail.llrMilli));
  add(w.copies, detail.of ?? detail.by);
  add(w.keptPlayer, detail.keptPlayer);
  add(w.group, detail.group);
  add(w.linkedTo, detail.linkedTo);
  if (rows.length === 0) return null;
  return (
    <dl class="small fair-evidence" data-testid="fair-evidence">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            <code>{v}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}
