// A skin's name says the colour its table actually is: the felt's colour in styles.css is read
// and its hue and lightness checked against the colour the name promises, in both languages.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { SKINS } from '../src/shared/preferences.ts';
import { SKIN_NAMES } from '../src/shared/skin-names.ts';

const css = readFileSync(new URL('../src/styles.css', import.meta.url), 'utf8');

/** Hue (degrees) and lightness (0–1) of a #rrggbb colour. */
function hsl(hex: string): { hue: number; lightness: number } {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let hue = 0;
  if (d > 0) hue = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { hue: (hue * 60 + 360) % 360, lightness: (max + min) / 2 };
}

/** What each colour word promises. */
const PROMISES: { zh: RegExp; en: RegExp; fits(c: { hue: number; lightness: number }): boolean }[] = [
  { zh: /红/, en: /red/i, fits: (c) => c.hue < 20 || c.hue > 340 },
  { zh: /绿/, en: /green/i, fits: (c) => c.hue >= 80 && c.hue <= 170 },
  { zh: /金/, en: /gold/i, fits: (c) => c.hue >= 35 && c.hue <= 60 },
  { zh: /翡翠/, en: /jade/i, fits: (c) => c.hue >= 130 && c.hue <= 180 },
  { zh: /夜/, en: /night/i, fits: (c) => c.lightness < 0.35 },
];

it('names every skin after the colour of its felt', () => {
  for (const skin of SKINS) {
    const rule = new RegExp(`\\.skin-${skin} \\{\\s*--felt: radial-gradient\\(circle, (#[0-9a-f]{6}), (#[0-9a-f]{6})\\)`).exec(css);
    assert.ok(rule, `styles.css paints .skin-${skin}`);
    const colours = [hsl(rule[1]!), hsl(rule[2]!)];
    const names = { zh: SKIN_NAMES[skin][0], en: SKIN_NAMES[skin][1] };
    const promised = PROMISES.filter((p) => p.zh.test(names.zh) || p.en.test(names.en));
    assert.ok(promised.length > 0, `${skin}: "${names.zh}" / "${names.en}" names a colour`);
    for (const p of promised) {
      assert.ok(p.zh.test(names.zh) && p.en.test(names.en), `${skin}: both languages name the same colour`);
      assert.ok(
        colours.every((c) => p.fits(c)),
        `${skin}: "${names.zh}" / "${names.en}" fits its felt ${rule[1]}–${rule[2]}`,
      );
    }
  }
});
