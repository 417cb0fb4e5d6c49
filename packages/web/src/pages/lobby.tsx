import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { LobbyExtras } from '../components/lobby-extras.tsx';
import { RealNameTile } from '../components/realname-tile.tsx';
import { skillText } from './skill/i18n.ts';

/** Kept out of the tutorial's chunk: the lobby only asks whether it was done or skipped here. */
const TUTORIAL_DONE_KEY = 'fg.tutorial.done';

function tutorialOffered(): boolean {
  try {
    return globalThis.localStorage?.getItem(TUTORIAL_DONE_KEY) !== '1';
  } catch {
    return false;
  }
}

export function LobbyPage({ ctx }: { ctx: Ctx }) {
  const { api, t, me } = ctx;
  const [unread, setUnread] = useState(0);

  useEffect(() => {
    api.call('GET /api/notifications', { query: { limit: 1 } }).then(
      (inbox) => setUnread(inbox.unread),
      () => {},
    );
  }, [api]);

  const logout = async () => {
    await api.call('POST /api/auth/logout', {}).catch(() => {});
    api.setTokens(null);
    ctx.setMe(null);
    ctx.navigate('login');
  };

  return (
    <main class="page" data-testid="lobby-page">
      <section class="hero">
        <h1 data-testid="lobby-hello">{t('lobbyHello', { name: me?.nickname ?? '' })}</h1>
        <p class="muted small">
          {t('playerId')} <code data-testid="player-id">{me?.id}</code>
        </p>
        <a class="link" href="#/inbox" data-testid="open-inbox">
          {ctx.lang === 'zh' ? '消息' : 'Inbox'}
          {unread > 0 && (
            <span class="badge" data-testid="inbox-badge">
              {' '}
              {t('unread', { n: unread })}
            </span>
          )}
        </a>
      </section>
      {tutorialOffered() && (
        <a class="tile primary-tile tutorial-offer" href="#/tutorial" data-testid="open-tutorial">
          <strong>{ctx.lang === 'zh' ? '第一次玩拼三张？' : 'New to Zha Jin Hua?'}</strong>
          <span>
            {ctx.lang === 'zh' ? '用练习积分和机器人打一手牌，边玩边学牌型' : 'Play one practice hand against bots and learn the rankings'}
          </span>
        </a>
      )}
      <nav class="tiles">
        <a class="tile primary-tile" href="#/wallet" data-testid="open-wallet">
          <strong>{t('lobbyWallet')}</strong>
          <span>{t('lobbyWalletHint')}</span>
        </a>
        <a class="tile" href="#/rooms" data-testid="open-rooms">
          <strong>{t('lobbyRooms')}</strong>
          <span>{t('lobbyRoomsHint')}</span>
        </a>
        <a class="tile" href="#/skill" data-testid="open-skill">
          <strong>{t('lobbySkill')}</strong>
          <span>{skillText(ctx.lang)('lobbyHint')}</span>
        </a>
        <RealNameTile ctx={ctx} />
      </nav>
      <LobbyExtras ctx={ctx} />
      <button type="button" class="link" onClick={logout} data-testid="logout">
        {t('logout')}
      </button>
    </main>
  );
}
