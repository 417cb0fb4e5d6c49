// The server's answers as the mini-game reads them: only the fields it uses. The mini-game is
// type-checked without the DOM or Node, so it cannot import the server's contract types; instead
// test/wire.check.ts asserts that each server response type is assignable to the one here, so a
// renamed or retyped field fails `npm run typecheck`, not a screen.
import type { HandView, LegalActions, PuzzleCommand, PuzzleConfig, PuzzleView } from '@fairground/rules';

export interface Tokens {
  readonly accessToken: string;
  readonly accessExpiresAtMs: number;
  readonly refreshToken: string;
  readonly refreshExpiresAtMs: number;
}

export interface PlayerSelf {
  readonly id: string;
  readonly nickname: string;
  readonly avatarUrl: string | null;
  readonly termsCurrent: boolean;
}

export interface Login {
  readonly player: PlayerSelf;
  readonly created: boolean;
  readonly tokens: Tokens;
}

export interface Localized {
  readonly zh: string;
  readonly en: string;
}

export interface Terms {
  readonly version: string;
  readonly title: Localized;
  readonly body: Localized;
}

export interface HealthNotice {
  readonly policy: string;
  readonly notice: { readonly title: Localized; readonly text: Localized; readonly showAt: readonly string[] } | null;
}

export interface RoomCards {
  readonly cards: number;
  readonly points: number;
}

export interface MyRooms {
  readonly rooms: readonly {
    readonly roomId: string;
    readonly code: string;
    readonly status: string;
    readonly role: string;
    readonly active: boolean;
    readonly handsPlayed: number;
    readonly rounds: number;
    readonly createdAtMs: number;
  }[];
}

export interface Friends {
  readonly friends: readonly {
    readonly playerId: string;
    readonly nickname: string;
    readonly rooms: readonly {
      readonly roomId: string;
      readonly code: string;
      readonly status: string;
      readonly seats: number;
      readonly seated: number;
    }[];
  }[];
}

export type ParamValues = Readonly<Record<string, string | number | boolean>>;

export interface SeatPrice {
  readonly cards: number;
}

export interface FeeQuote {
  readonly mode: string;
  readonly payer: string;
  readonly perSeat: SeatPrice;
  readonly owner: SeatPrice;
  readonly joiner: SeatPrice;
}

export interface Quote {
  readonly params: ParamValues;
  readonly fee: FeeQuote;
}

export interface CreatedRoom {
  readonly roomId: string;
  readonly code: string;
  readonly params: ParamValues;
  readonly invite: { readonly token: string; readonly path: string };
}

export interface RoomPreview {
  readonly roomId: string;
  readonly code: string;
  readonly status: string;
  readonly ownerNickname: string;
  readonly params: ParamValues;
  readonly fee: FeeQuote;
  readonly seated: number;
}

export interface Joined {
  readonly roomId: string;
  readonly code: string;
  readonly role: string;
  readonly seat: number | null;
}

export interface ScoreLine {
  readonly playerId: string;
  readonly nickname: string;
  readonly points: number;
  readonly hands: number;
}

export interface RoomSummary {
  readonly id: string;
  readonly code: string;
  readonly status: string;
  readonly handsPlayed: number;
  readonly scores: readonly ScoreLine[];
  readonly endReason: string | null;
}

export interface ResponsiblePlay {
  readonly play: {
    readonly continuousMs: number;
    readonly reminderEveryMs: number;
    readonly nextReminderAtMs: number | null;
    readonly breakUntilMs: number | null;
  };
  readonly minor: { readonly age: number; readonly windowEndMs: number | null } | null;
}

// ---------------------------------------------------------------- the room socket

export interface MemberView {
  readonly playerId: string;
  readonly nickname: string;
  readonly role: string;
  readonly seat: number | null;
  readonly ready: boolean;
  readonly connected: boolean;
  readonly trusteeship: boolean;
}

export interface LastHandView {
  readonly handNumber: number;
  readonly winnerSeats: readonly number[];
  readonly deltas: readonly { readonly seat: number; readonly playerId: string; readonly points: number }[];
  readonly aborted: boolean;
}

export interface RoomView {
  readonly id: string;
  readonly code: string;
  readonly status: string;
  readonly version: number;
  readonly params: {
    readonly seats: number;
    readonly rounds: number;
    readonly baseScore: number;
    readonly turnTimeS: number;
    readonly voiceChat: boolean;
    readonly spectators: boolean;
    readonly friendsVisible: boolean;
  };
  readonly ownerId: string;
  readonly members: readonly MemberView[];
  readonly scores: readonly ScoreLine[];
  readonly handsPlayed: number;
  readonly next: {
    readonly handNumber: number;
    /** The server seed's commitment, published before the hand. */
    readonly commitment: string;
    readonly ceremonyPhase: 'committing' | 'revealing' | 'locked';
    readonly committedSeats: readonly number[];
    /** Every seat's commitment as received; closed once the phase leaves 'committing'. */
    readonly commitments: readonly { readonly seat: number; readonly commitment: string }[];
    readonly revealedSeats: readonly number[];
    readonly startAtMs: number | null;
  } | null;
  readonly last: LastHandView | null;
  readonly endReason: string | null;
}

/** The rules' view as sent (see the server's `compactView`): usual flags left out. */
export type HandPlayerView = Omit<HandView['players'][number], 'stackPoints' | 'allIn' | 'shownToAll' | 'visibleTo' | 'category'> &
  Partial<Pick<HandView['players'][number], 'stackPoints' | 'allIn' | 'shownToAll' | 'visibleTo' | 'category'>>;

export type HandViewWire = Omit<HandView, 'rules' | 'viewerSeat' | 'version' | 'comparisons' | 'players'> & {
  readonly players: readonly HandPlayerView[];
};

export interface HandInfoWire {
  readonly commitment: string;
  readonly dealerSeat: number;
  readonly players: readonly { readonly seat: number; readonly playerId: string }[];
}

export interface HandSection {
  readonly handNumber: number;
  readonly turnDeadlineMs: number | null;
  readonly view: HandViewWire;
  readonly legal: LegalActions | null;
  readonly info?: HandInfoWire;
}

// ---------------------------------------------------------------- skill games

export interface RefillWindowWire {
  readonly fromIndex: number;
  readonly gems: readonly number[];
}

export interface SkillSession {
  readonly sessionId: string;
  readonly status: string;
  readonly commitment: string;
  readonly startedAtMs: number;
  readonly deadlineAtMs: number;
  readonly serverNowMs: number;
  readonly view: PuzzleView;
  readonly stateHash: string;
  readonly refills: RefillWindowWire;
}

export interface SkillAck {
  readonly accepted: number;
  readonly nextSeq: number;
  readonly score: number;
  readonly stateHash: string;
  readonly refills: RefillWindowWire;
  readonly status: string;
  readonly endReason: string | null;
  readonly view: PuzzleView;
}

export interface SkillResult {
  readonly sessionId: string;
  readonly status: string;
  readonly endReason: string | null;
  readonly score: number;
  readonly stateHash: string;
}

export interface SkillReplay {
  readonly config: PuzzleConfig;
  readonly commitment: string;
  readonly seedHex: string;
  readonly score: number;
  readonly stateHash: string;
  readonly endReason: string | null;
  readonly commands: readonly PuzzleCommand[];
}

/** The player's inbox (`GET /api/notifications`); the mini-game shows customer service's answers. */
export interface Inbox {
  readonly items: readonly {
    readonly id: string;
    readonly kind: string;
    readonly data: Readonly<Record<string, string | number | boolean | null>>;
    readonly createdAtMs: number;
    readonly readAtMs: number | null;
  }[];
  readonly unread: number;
}

/** Customer service hours (`GET /api/support`). */
export interface SupportHours {
  readonly alwaysOpen: boolean;
  readonly opensAt: string;
  readonly closesAt: string;
  readonly escalation: string;
  readonly openNow: boolean;
}
