// Practice: a free game on a fresh seed, neither paid nor rated.
import { newSeed } from './digest.ts';
import type { SkillContext } from './context.ts';
import type { SessionPlay } from './play.ts';
import type { SessionState } from './schemas.ts';

export class Practice {
  readonly #c: SkillContext;
  readonly #play: SessionPlay;

  constructor(c: SkillContext, play: SessionPlay) {
    this.#c = c;
    this.#play = play;
  }

  /** A free practice game: no money, not rated. */
  async startPractice(playerId: string, gameId: string): Promise<SessionState> {
    const settings = this.#c.catalogue.require(gameId);
    await this.#play.checkActiveLimit(this.#c.store.reader, playerId, this.#c.clock.nowMs());
    const { seedHex, commitment } = newSeed();
    const spec = this.#play.newSession(playerId, settings, 'practice', {
      seedHex,
      commitment,
      matchId: null,
      tournamentId: null,
      requestKey: null,
    });
    const live = await this.#c.store.unitOfWork(
      async (tx) => {
        await this.#play.admit(tx, playerId, null);
        const live = await this.#play.insertSession(tx, spec);
        await this.#c.analytics?.append(tx, {
          kind: 'skill_session_started',
          actor: { kind: 'player', id: playerId },
          data: { sessionId: spec.id, game: gameId, mode: 'practice' },
        });
        return live;
      },
      { label: 'skill.startPractice' },
    );
    this.#c.live.put(live);
    return this.#play.state(live);
  }
}
