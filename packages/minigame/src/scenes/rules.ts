// The hand rankings, best first, each with an example drawn as cards. The order and the special
// rules are the room's defaults in @fairground/rules (`DEFAULT_HAND_RULES`).
import { evaluateHand } from '@fairground/rules';
import type { App } from '../app.ts';
import { COLORS, type Gfx, type Scene } from '../engine.ts';
import { card } from './table-draw.ts';

const EXAMPLES: readonly (readonly [string, string, string])[] = [
  ['As', 'Ah', 'Ad'],
  ['Qs', 'Ks', 'As'],
  ['As', 'Js', '8s'],
  ['Qs', 'Kd', 'Ah'],
  ['Ah', 'As', 'Kd'],
  ['As', 'Kd', 'Jh'],
  ['2s', '3d', '5h'],
];

export function rulesScene(app: App): Scene {
  // Each example's category comes from the rules package itself, so this page cannot disagree with the table.
  const rows = EXAMPLES.map((cards) => {
    const e = evaluateHand([...cards]);
    return { cards, key: e.special235 ? 'cat_special235' : `cat_${e.category}` };
  });
  return {
    name: 'rules',
    draw(g: Gfx) {
      g.fill(COLORS.feltDark);
      g.button('back', 12, 12, 72, 32, app.t('back'), () => app.show(app.scenes.lobby(app)), { kind: 'ghost', size: 13 });
      g.text(app.t('rulesTitle'), g.w / 2, 70, { size: 18, weight: 'bold', color: COLORS.paper, align: 'center' });
      const rowH = Math.min(62, (g.h - 190) / rows.length);
      const cw = Math.min(34, rowH * 0.62);
      rows.forEach((r, i) => {
        const y = 96 + i * rowH;
        g.text(app.t(r.key as 'cat_pair'), 24, y + rowH / 2, { size: 16, weight: 'bold', color: COLORS.gold, maxWidth: g.w / 2 - 30 });
        r.cards.forEach((c, k) => {
          card(g, g.w - 24 - (3 - k) * (cw + 6), y + (rowH - cw * 1.4) / 2, cw, cw * 1.4, c);
        });
      });
      g.region('rules-list', 0, 96, g.w, rows.length * rowH, rows.map((r) => r.key).join(','), null);
      g.paragraph(app.t('rulesNote'), 24, 104 + rows.length * rowH, g.w - 48, { size: 13, color: COLORS.paper });
    },
  };
}
