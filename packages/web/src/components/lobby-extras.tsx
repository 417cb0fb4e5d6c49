// The lobby's live sections: the player's balances, friends' open rooms to join, tournaments
// open for entry, and the way to the fairness check, the settings and the room skins.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { Response } from '../shared/api.ts';
import { formatAmount } from '../shared/money.ts';

type Balance = Response<'GET /api/wallet/balances'>['balances'][number];
type Friend = Response<'GET /api/rooms/friends'>['friends'][number];
type Tournament = Response<'GET /api/skill/tournaments'>['tournaments'][number];
type Tier = Response<'GET /api/me/tier'>;

const TEXT = {
  zh: {
    balances: '我的余额',
    friendsRooms: '好友的房间',
    noFriendsRooms: '好友还没有开放的房间',
    join: '加入 {code}',
    seated: '{seated}/{seats} 人',
    tournaments: '锦标赛',
    noTournaments: '暂无报名中的锦标赛',
    entry: '报名费 {fee} · {n} 人已报名',
    fairness: '公平性验证',
    fairnessHint: '在本机重算任意一局',
    settings: '设置',
    settingsHint: '长辈模式 · 房间皮肤 · 语言',
    vip: 'VIP',
  },
  en: {
    balances: 'My balances',
    friendsRooms: 'Friends’ rooms',
    noFriendsRooms: 'No open rooms from friends yet',
    join: 'Join {code}',
    seated: '{seated}/{seats} seated',
    tournaments: 'Tournaments',
    noTournaments: 'No tournaments open for entry',
    entry: 'Entry {fee} · {n} entered',
    fairness: 'Verify fairness',
    fairnessHint: 'Recompute any game here',
    settings: 'Settings',
    settingsHint: 'Elder mode · room skins · language',
    vip: 'VIP',
  },
} as const;

const fill = (s: string, vars: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));

type Text = (typeof TEXT)[keyof typeof TEXT];

export function LobbyExtras({ ctx }: { ctx: Ctx }) {
  const t = TEXT[ctx.lang];
  const { balances, friends, tournaments, tier } = useLobbyData(ctx);
  return (
    <>
      <BalancesStrip ctx={ctx} t={t} balances={balances} tier={tier} />
      <FriendsRooms t={t} friends={friends} />
      <OpenTournaments t={t} tournaments={tournaments} />
      <nav class="tiles">
        <a class="tile" href="#/fairness" data-testid="open-fairness">
          <strong>{t.fairness}</strong>
          <span>{t.fairnessHint}</span>
        </a>
        <a class="tile" href="#/settings" data-testid="open-settings">
          <strong>{t.settings}</strong>
          <span>{t.settingsHint}</span>
        </a>
      </nav>
    </>
  );
}

/** The lobby's four reads; each section shows empty rather than an error when its read fails. */
function useLobbyData(ctx: Ctx) {
  const [balances, setBalances] = useState<Balance[] | null>(null);
  const [friends, setFriends] = useState<Friend[] | null>(null);
  const [tournaments, setTournaments] = useState<Tournament[] | null>(null);
  const [tier, setTier] = useState<Tier | null>(null);

  useEffect(() => {
    const { api } = ctx;
    api.call('GET /api/wallet/balances', {}).then(
      (b) => setBalances(b.balances),
      () => setBalances([]),
    );
    api.call('GET /api/rooms/friends', {}).then(
      (f) => setFriends(f.friends),
      () => setFriends([]),
    );
    api.call('GET /api/skill/tournaments', {}).then(
      (r) => setTournaments(r.tournaments.filter((x) => x.status === 'open').slice(0, 3)),
      () => setTournaments([]),
    );
    api.call('GET /api/me/tier', {}).then(setTier, () => setTier(null));
  }, [ctx.api]);
  return { balances, friends, tournaments, tier };
}

function BalancesStrip({ ctx, t, balances, tier }: { ctx: Ctx; t: Text; balances: Balance[] | null; tier: Tier | null }) {
  return (
    <section class="card balances-strip" data-testid="lobby-balances">
      <h2>
        {t.balances} {tier?.tier === 'vip' && <span class="badge vip">{t.vip}</span>}
      </h2>
      <div class="chips">
        {(balances ?? [])
          .filter((b) => b.asset === 'CNY' || b.availableFen !== 0)
          .map((b) => (
            <a key={b.asset} href="#/wallet" class="chip" data-testid={`lobby-balance-${b.asset}`} data-available={b.availableFen}>
              <span class="muted small">{ctx.t(`asset_${b.asset}`)}</span>
              <strong>{formatAmount(b.asset, b.availableFen)}</strong>
            </a>
          ))}
      </div>
    </section>
  );
}

/** Friends' rooms still waiting for players, each with its join link. */
function FriendsRooms({ t, friends }: { t: Text; friends: Friend[] | null }) {
  const open = (friends ?? []).flatMap((f) => f.rooms.filter((r) => r.status === 'waiting').map((r) => ({ ...r, friend: f.nickname })));
  return (
    <section class="card" data-testid="lobby-friends-rooms">
      <h2>{t.friendsRooms}</h2>
      {friends !== null && open.length === 0 && <p class="muted small">{t.noFriendsRooms}</p>}
      <ul class="rows">
        {open.map((r) => (
          <li key={r.roomId}>
            <span>
              {r.friend} · {fill(t.seated, { seated: r.seated, seats: r.seats })}
            </span>
            <a class="pill" href={`#/join?code=${r.code}`} data-testid={`friend-room-${r.code}`}>
              {fill(t.join, { code: r.code })}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function OpenTournaments({ t, tournaments }: { t: Text; tournaments: Tournament[] | null }) {
  return (
    <section class="card" data-testid="lobby-tournaments">
      <h2>{t.tournaments}</h2>
      {tournaments !== null && tournaments.length === 0 && <p class="muted small">{t.noTournaments}</p>}
      <ul class="rows">
        {(tournaments ?? []).map((x) => (
          <li key={x.tournamentId}>
            <span>
              <strong>{x.title}</strong>
              <br />
              <span class="muted small">{fill(t.entry, { fee: formatAmount('CNY', x.entryFeeFen), n: x.entries })}</span>
            </span>
            <a class="pill" href="#/skill-tournaments">
              →
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
