// The table's small faces: a player's avatar, a hand of cards (face up or down), a role badge and a hand's category in words.
import { evaluateHand } from '@fairground/rules';
import type { Member } from './channel.ts';
import { cardLabel, isRed, type RoomWords } from './i18n.ts';

const AVATAR_HUES = [4, 28, 48, 140, 170, 200, 220, 260, 290, 330];

/** A stable colour per name (a hash of its characters), so a player looks the same on every phone. */
function avatarHue(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 997;
  return AVATAR_HUES[h % AVATAR_HUES.length] as number;
}

export function Avatar({ name, size = 'md' }: { name: string; size?: 'sm' | 'md' }) {
  // Generated nicknames all start with 玩家 ("player"): the character after it tells them apart.
  const initial = [...name.trim().replace(/^玩家(?=.)/, '')][0]?.toUpperCase() ?? '?';
  return (
    <span class={`avatar ${size}`} style={{ background: `hsl(${avatarHue(name)} 55% 42%)` }} aria-hidden="true">
      {initial}
    </span>
  );
}

export function Cards({ cards, testId, size = 'md' }: { cards: readonly string[] | null; testId: string; size?: 'sm' | 'md' }) {
  if (cards === null) {
    return (
      <span class={`cards hidden ${size}`} data-testid={testId} data-cards="">
        <span class="card-face back" />
        <span class="card-face back" />
        <span class="card-face back" />
      </span>
    );
  }
  return (
    <span class={`cards ${size}`} data-testid={testId} data-cards={cards.join(',')}>
      {cards.map((c) => (
        <span key={c} class={`card-face${isRed(c) ? ' red' : ''}`}>
          {cardLabel(c)}
        </span>
      ))}
    </span>
  );
}

export function roleBadge(t: RoomWords, m: Member) {
  if (m.role === 'owner') return <span class="tag owner">{t('ownerRole')}</span>;
  if (m.role === 'admin') return <span class="tag">{t('adminRole')}</span>;
  return null;
}

export function categoryWords(t: RoomWords, cards: readonly string[]): string {
  try {
    return t(`cat_${evaluateHand(cards).category}`);
  } catch {
    return '';
  }
}
