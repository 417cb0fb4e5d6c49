// Reading and driving the game in the browser host. The page has no `eval` (the host deletes it,
// as the mini-game runtime lacks it), which Playwright's `page.evaluate` needs; so expressions go
// through the DevTools protocol's Runtime.evaluate, which does not. Taps are real pointer events
// at a region's centre, through the adapter's `wx.onTouch*` like a finger in WeChat.
import type { CDPSession, Page } from 'playwright-core';

/** How long a wait polls at most, and how often. */
const WAIT_MS_DEFAULT = 20_000;
const POLL_MS = 100;

export interface RegionInfo {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly label: string;
  readonly enabled: boolean;
}

export interface Snapshot {
  readonly scene: string;
  readonly regions: readonly RegionInfo[];
  readonly state: Record<string, unknown>;
  readonly framesDrawn: number;
}

export class Driver {
  readonly page: Page;
  readonly #cdp: CDPSession;

  private constructor(page: Page, cdp: CDPSession) {
    this.page = page;
    this.#cdp = cdp;
  }

  static async attach(page: Page): Promise<Driver> {
    return new Driver(page, await page.context().newCDPSession(page));
  }

  async read<T>(expression: string): Promise<T> {
    const r = (await this.#cdp.send('Runtime.evaluate', { expression, returnByValue: true })) as {
      result: { value?: unknown };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) throw new Error(`${expression}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  snapshot(): Promise<Snapshot> {
    return this.read<Snapshot>(
      '(() => { const f = globalThis.fairground; return f ? { scene: f.scene, regions: f.regions, state: f.state, framesDrawn: f.framesDrawn } : { scene: "", regions: [], state: {}, framesDrawn: 0 }; })()',
    );
  }

  async waitFor<T>(what: string, probe: (s: Snapshot) => T | null | undefined | false, timeoutMs = WAIT_MS_DEFAULT): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: Snapshot | null = null;
    for (;;) {
      last = await this.snapshot();
      const v = probe(last);
      if (v !== null && v !== undefined && v !== false) return v;
      if (Date.now() > deadline) {
        const errors = await this.read<string[]>('__wxHost.errors').catch(() => []);
        throw new Error(
          `waited ${timeoutMs} ms for ${what}; scene ${last.scene}, state ${JSON.stringify(last.state).slice(0, 600)}, regions ${last.regions.map((r) => (r.id === 'toast' || r.id === 'dialog-text' ? `${r.id}(${r.label})` : r.id)).join(' ')}, errors ${errors.join(' | ')}`,
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  scene(name: string, timeoutMs?: number): Promise<Snapshot> {
    return this.waitFor(`scene ${name}`, (s) => (s.scene === name ? s : null), timeoutMs);
  }

  region(id: string, timeoutMs?: number): Promise<RegionInfo> {
    return this.waitFor(`region ${id}`, (s) => s.regions.find((r) => r.id === id && r.enabled) ?? null, timeoutMs);
  }

  async tap(id: string, timeoutMs?: number): Promise<void> {
    const r = await this.region(id, timeoutMs);
    await this.page.mouse.click(r.x + r.w / 2, r.y + r.h / 2);
  }

  /** A finger swipe from one point to another (the puzzle's move). */
  async swipe(x0: number, y0: number, x1: number, y1: number): Promise<void> {
    await this.page.mouse.move(x0, y0);
    await this.page.mouse.down();
    await this.page.mouse.move(x1, y1, { steps: 3 });
    await this.page.mouse.up();
  }

  /** The game goes to the background and comes back (as switching chats in WeChat does). */
  async hideAndShow(query: Record<string, string> = {}): Promise<void> {
    await this.read('__wxHost.hide()');
    await this.read(`__wxHost.show(${JSON.stringify(query)})`);
  }
}
