// What each room skin is called, Chinese and English: after the colour its felt is painted in
// styles.css (test/skins.test.ts checks the two agree).
import type { Skin } from './preferences.ts';

export const SKIN_NAMES: Readonly<Record<Skin, readonly [zh: string, en: string]>> = {
  classic: ['经典绿', 'Classic green'],
  gold: ['鎏金', 'Gold'],
  jade: ['翡翠', 'Jade'],
  night: ['夜色', 'Night'],
};
