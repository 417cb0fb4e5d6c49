// What the chat domain needs from outside, in its own terms.
import type { Tx } from '../storage/ports.ts';

/** WeChat's verdict on a text (msgSecCheck v2): only `pass` is ever shown to anyone. */
export interface ContentVerdict {
  readonly suggest: 'pass' | 'review' | 'risky';
  readonly label: number;
  readonly traceId: string | null;
}

/** Content security for free text, on behalf of a user of the mini-game app. */
export interface ContentCheck {
  /** The mini-game (or mini-program) app whose openids the check takes. */
  readonly appid: string;
  /**
   * The verdict on `content` written by `openid`. Throws ContentCheckUnavailable when WeChat did not
   * answer with a verdict (no token, network, or its refusal of the request such as 61010).
   */
  check(input: { readonly openid: string; readonly content: string }): Promise<ContentVerdict>;
}

/** WeChat gave no verdict. `notActive`: the user has not opened the app in the last two hours (61010). */
export class ContentCheckUnavailable extends Error {
  readonly errcode: number | null;
  readonly notActive: boolean;
  constructor(errcode: number | null, message: string) {
    super(message);
    this.name = 'ContentCheckUnavailable';
    this.errcode = errcode;
    this.notActive = errcode === 61010;
  }
}

/** The risk domain: a player whose typed messages keep being refused gets a review case. */
export interface ChatRisk {
  openCase(tx: Tx, c: { readonly playerId: string; readonly summary: string; readonly evidence: unknown }): Promise<string>;
}
