// A room a share card or a friend's list led to, when taking a seat costs something (AA rooms):
// what joining means, then a seat or a spectator's place. When the owner pays every seat the app
// skips this page and seats the friend at once.
import type { App, Invite } from '../app.ts';
import { COLORS, type Gfx, type Scene } from '../engine.ts';
import type { RoomPreview } from '../wire.ts';

export function joinScene(app: App, preview: RoomPreview, invite: Invite): Scene {
  let busy = false;
  const join = async (role: 'member' | 'observer') => {
    busy = true;
    try {
      await app.join(invite, role);
    } catch (e) {
      app.fail(e);
    } finally {
      busy = false;
      app.stage.invalidate();
    }
  };
  return {
    name: 'join',
    draw(g: Gfx) {
      g.fill(COLORS.feltDark);
      g.button('back', 12, 12, 72, 32, app.t('back'), () => app.show(app.scenes.lobby(app)), { kind: 'ghost', size: 13 });
      g.text(app.t('joinTitle', { owner: preview.ownerNickname }), g.w / 2, 90, {
        size: 20,
        weight: 'bold',
        color: COLORS.paper,
        align: 'center',
        maxWidth: g.w - 32,
      });
      g.text(`${app.t('roomCode')} ${preview.code}`, g.w / 2, 122, { size: 15, color: COLORS.gold, align: 'center' });
      const p = preview.params;
      g.text(
        app.t('joinInfo', { seats: String(p.seats), rounds: String(p.rounds), base: String(p.baseScore), seated: preview.seated }),
        g.w / 2,
        156,
        {
          size: 14,
          color: COLORS.paper,
          align: 'center',
          maxWidth: g.w - 32,
        },
      );
      g.text(app.t('joinFee', { cards: preview.fee.joiner.cards }), g.w / 2, 188, {
        size: 15,
        weight: 'bold',
        color: COLORS.gold,
        align: 'center',
      });
      g.region('join-preview', 16, 70, g.w - 32, 130, preview.code, null);
      g.button('join-seat', 24, 230, g.w - 48, 50, app.t('joinSeat'), () => void join('member'), { enabled: !busy, size: 18 });
      g.button('join-watch', 24, 294, g.w - 48, 44, app.t('watch'), () => void join('observer'), { enabled: !busy, kind: 'ghost' });
    },
  };
}
