// The lobby: who I am (WeChat name and photo through the user-info button), my room cards and
// points — never a cash balance, a deposit or a withdrawal: a mini-game may not steer players to
// pay elsewhere — the rooms I am in or played in, the rooms friends invited me to, and the ways on.
import type { App } from '../app.ts';
import { COLORS, type Gfx, type Scene } from '../engine.ts';
import type { Friends, Inbox, MyRooms, PlayerSelf, RoomCards, RoomPreview } from '../wire.ts';
import { inboxScene, unreadAnswers } from './inbox.ts';
import { tutorialOfferLabel, tutorialOffered, tutorialScene } from './tutorial.ts';
import { buyRoomCards } from '../purchase.ts';
import { avatar } from './table-draw.ts';

/** Rooms listed at most in each list (the screen holds no more). */
const LIST_MAX = 4;

/** What the lobby shows and the native profile button while it is up. */
interface LobbyState {
  readonly app: App;
  cards: RoomCards | null;
  mine: MyRooms['rooms'];
  friends: { nickname: string; roomId: string; code: string; seated: number; seats: number }[];
  userButton: WechatMinigame.UserInfoButton | null;
  avatarImage: WechatMinigame.Image | null;
  buying: boolean;
  lastPurchase: string | null;
  purchasesEnded: number;
  unread: number;
}

/** The header's height: me, my room cards and points. */
const HEADER_H = 84;

export function lobbyScene(app: App): Scene {
  const l: LobbyState = {
    app,
    cards: null,
    mine: [],
    friends: [],
    userButton: null,
    avatarImage: null,
    buying: false,
    lastPurchase: null,
    purchasesEnded: 0,
    unread: 0,
  };
  loadLobby(l).catch((e) => app.fail(e));
  loadAvatar(l, app.me?.avatarUrl ?? null);
  if (app.me !== null && app.me.avatarUrl === null) showProfileButton(l);
  return {
    name: 'lobby',
    exit() {
      l.userButton?.destroy();
      l.userButton = null;
    },
    draw(g: Gfx) {
      g.fill(COLORS.feltDark);
      drawHeader(l, g);
      const y = drawWaysOn(l, g, HEADER_H + 16);
      drawRoomLists(l, g, y);
    },
    debug: () => ({
      cards: l.cards?.cards ?? null,
      points: l.cards?.points ?? null,
      rooms: l.mine.map((r) => r.code),
      hasUserButton: l.userButton !== null,
      buying: l.buying,
      lastPurchase: l.lastPurchase,
      purchasesEnded: l.purchasesEnded,
      unread: l.unread,
      tutorialOffered: tutorialOffered(),
    }),
  };
}

/** My room cards, my rooms, friends' rooms I am not in, and the unread answers of customer service. */
async function loadLobby(l: LobbyState): Promise<void> {
  const { app } = l;
  const [c, m, f, inbox] = await Promise.all([
    app.api.call<RoomCards>('GET', '/api/rooms/cards'),
    app.api.call<MyRooms>('GET', '/api/rooms/mine'),
    app.api.call<Friends>('GET', '/api/rooms/friends'),
    app.api.call<Inbox>('GET', '/api/notifications?limit=50'),
  ]);
  l.cards = c;
  l.unread = unreadAnswers(inbox);
  l.mine = m.rooms.filter((r) => r.status === 'waiting' || r.status === 'playing' || r.status === 'finished').slice(0, LIST_MAX);
  const mineIds = new Set(m.rooms.map((r) => r.roomId));
  l.friends = f.friends
    .flatMap((fr) => fr.rooms.map((r) => ({ nickname: fr.nickname, ...r })))
    .filter((r) => !mineIds.has(r.roomId) && r.status === 'waiting')
    .slice(0, LIST_MAX);
  app.stage.invalidate();
}

function loadAvatar(l: LobbyState, url: string | null): void {
  if (url === null) return;
  const img = wx.createImage();
  img.onload = () => {
    l.avatarImage = img;
    l.app.stage.invalidate();
  };
  img.src = url;
}

/** The native button WeChat requires for reading the nickname and photo; placed over the header. */
function showProfileButton(l: LobbyState): void {
  const { app } = l;
  const button = wx.createUserInfoButton({
    type: 'text',
    text: app.t('profileButton'),
    style: {
      left: app.stage.width - 150,
      top: 46,
      width: 138,
      height: 30,
      lineHeight: 30,
      backgroundColor: '#07c160',
      color: '#ffffff',
      textAlign: 'center',
      fontSize: 12,
      borderRadius: 15,
      borderColor: '#07c160',
      borderWidth: 0,
    },
  });
  l.userButton = button;
  button.onTap((res) => {
    const info = res.userInfo as { nickName?: string; avatarUrl?: string } | undefined;
    if (info?.nickName === undefined) return;
    app.api
      .call<PlayerSelf>('PATCH', '/api/me', {
        nickname: info.nickName,
        ...(info.avatarUrl?.startsWith('https://') ? { avatarUrl: info.avatarUrl } : {}),
      })
      .then(
        (me) => {
          app.me = me;
          l.userButton?.destroy();
          l.userButton = null;
          loadAvatar(l, me.avatarUrl);
          app.stage.invalidate();
        },
        (e) => app.fail(e),
      );
  });
}

async function openFriendRoom(l: LobbyState, code: string): Promise<void> {
  const { app } = l;
  try {
    const preview = await app.api.call<RoomPreview>('GET', `/api/rooms/code/${code}`);
    app.show(app.scenes.join(app, preview, { code, invite: null }));
  } catch (e) {
    app.fail(e);
  }
}

/** Buys five room cards (one purchase at a time), then reloads the lobby. */
function buyCards(l: LobbyState): void {
  const { app } = l;
  if (l.buying) return;
  l.buying = true;
  buyRoomCards(app, 5)
    .then((outcome) => {
      l.lastPurchase = outcome;
      return loadLobby(l);
    })
    .catch((e) => app.fail(e))
    .finally(() => {
      l.buying = false;
      l.purchasesEnded += 1;
      app.stage.invalidate();
    });
}

/** Header: me, room cards, points, and the language switch. */
function drawHeader(l: LobbyState, g: Gfx): void {
  const { app, cards } = l;
  g.box(0, 0, g.w, HEADER_H, 0, COLORS.felt);
  const me = app.me;
  avatar(g, 40, 42, 24, me?.nickname ?? '?', 0, l.avatarImage);
  g.text(me?.nickname ?? '', 74, 28, { size: 16, weight: 'bold', color: COLORS.paper, maxWidth: g.w - 240 });
  const stats = `${app.t('roomCards')} ${cards?.cards ?? '–'} · ${app.t('points')} ${cards?.points ?? '–'}`;
  g.text(stats, 74, 56, { size: 13, color: COLORS.gold, maxWidth: g.w - (l.userButton ? 240 : 90) });
  g.region('room-cards', 74, 44, 160, 24, String(cards?.cards ?? ''), null);
  g.button('lang', g.w - 82, 8, 72, 28, app.t('language'), () => app.toggleLang(), { kind: 'ghost', size: 12 });
}

/** The main actions, buying cards, customer service and the tutorial; returns the y below them. */
function drawWaysOn(l: LobbyState, g: Gfx, y0: number): number {
  const { app } = l;
  let y = y0;
  const bw = (g.w - 48) / 2;
  g.button('create-room', 16, y, bw, 64, app.t('createRoom'), () => app.show(app.scenes.create(app)), { kind: 'gold', size: 18 });
  g.button('open-puzzle', 32 + bw, y, bw, 64, app.t('puzzle'), () => app.openPuzzle(), { size: 18 });
  y += 76;
  g.button('open-rules', 16, y, bw, 40, app.t('handRules'), () => app.show(app.scenes.rules(app)), { kind: 'ghost', size: 14 });
  g.button('toggle-elder', 32 + bw, y, bw, 40, app.elder ? app.t('elderOn') : app.t('elderOff'), () => app.toggleElder(), {
    kind: 'ghost',
    size: 14,
  });
  y += 52;
  g.button('buy-cards', 16, y, g.w - 32, 40, app.t('buyCards'), () => buyCards(l), { kind: 'gold', size: 15 });
  y += 52;
  // Customer service's answers, with the unread count.
  const inboxLabel = `${app.lang === 'zh' ? '客服消息' : 'Customer service'}${l.unread > 0 ? ` (${l.unread})` : ''}`;
  g.button('open-inbox', 16, y, g.w - 32, 36, inboxLabel, () => app.show(inboxScene(app)), {
    kind: l.unread > 0 ? 'primary' : 'ghost',
    size: 14,
  });
  y += 44;
  // The first-hand tutorial, until it was finished or skipped on this phone.
  if (tutorialOffered()) {
    g.button('open-tutorial', 16, y, g.w - 32, 36, tutorialOfferLabel(app), () => app.show(tutorialScene(app)), { size: 14 });
    y += 44;
  }
  return y + 16;
}

/** My rooms, then the rooms friends invited me to. */
function drawRoomLists(l: LobbyState, g: Gfx, y0: number): void {
  const { app } = l;
  let y = y0;
  const rowH = 44 * (app.elder ? 1.2 : 1);
  g.text(app.t('myRooms'), 16, y, { size: 15, weight: 'bold', color: COLORS.paper });
  y += 14;
  if (l.mine.length === 0) {
    g.text(app.t('noRooms'), 16, y + 18, { size: 13, color: 'rgba(255,255,255,0.7)', maxWidth: g.w - 32 });
    y += 36;
  }
  for (const r of l.mine) {
    const line = app.t('roomLine', {
      code: r.code,
      status: app.t(`status_${r.status}` as 'status_waiting'),
      hands: r.handsPlayed,
      rounds: r.rounds,
    });
    g.box(16, y + 4, g.w - 32, rowH - 8, 8, 'rgba(255,255,255,0.1)');
    g.text(line, 28, y + rowH / 2, { size: 14, color: COLORS.paper, maxWidth: g.w - 56 });
    g.region(`room-${r.code}`, 16, y + 4, g.w - 32, rowH - 8, line, () => app.show(app.scenes.table(app, r.roomId)));
    y += rowH;
  }
  y += 12;
  g.text(app.t('invited'), 16, y, { size: 15, weight: 'bold', color: COLORS.paper });
  y += 14;
  for (const r of l.friends) {
    const line = app.t('friendRoomLine', { nickname: r.nickname, code: r.code, seated: r.seated, seats: r.seats });
    g.box(16, y + 4, g.w - 32, rowH - 8, 8, 'rgba(255,255,255,0.1)');
    g.text(line, 28, y + rowH / 2, { size: 14, color: COLORS.paper, maxWidth: g.w - 56 });
    g.region(`friend-room-${r.code}`, 16, y + 4, g.w - 32, rowH - 8, line, () => void openFriendRoom(l, r.code));
    y += rowH;
  }
}
