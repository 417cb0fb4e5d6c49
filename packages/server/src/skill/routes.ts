// Handlers for the skill endpoints.
import type { HandlerInput } from '../http/routes.ts';
import { implement, type Implementation } from '../http/routes.ts';
import { skillContract as c } from './contract.ts';
import type { SkillGames } from './service.ts';

export interface SkillRouteDeps {
  readonly skill: SkillGames;
}

// tidy: route table
export function skillRoutes(d: SkillRouteDeps): Record<keyof typeof c, Implementation> {
  const s = d.skill;
  return {
    skillGames: implement(c.skillGames, async () => ({
      games: s.catalogue.list().map((g) => ({
        game: g.id,
        title: { ...g.title },
        config: { ...g.puzzle },
        stakesFen: [...g.stakesFen],
        rakeBps: g.rakeBps,
        tieRule: g.tieRule,
        matchWaitMs: g.matchWaitMs,
      })),
    })),
    skillPractice: implement(c.skillPractice, async ({ actor, body }) => s.startPractice(actor.playerId, body.game), {
      complianceContext: ({ body }: HandlerInput<typeof c.skillPractice>) => ({ game: body.game, mode: 'practice' }),
    }),
    skillStartMatch: implement(
      c.skillStartMatch,
      async ({ actor, body }) =>
        s.startMatch(actor.playerId, { game: body.game, entryFeeFen: body.entryFeeFen, requestKey: body.idempotencyKey }),
      {
        complianceContext: ({ body }: HandlerInput<typeof c.skillStartMatch>) => ({
          game: body.game,
          mode: 'match',
          amountFen: body.entryFeeFen,
        }),
      },
    ),
    skillMatches: implement(c.skillMatches, async ({ actor, query }) => ({ matches: await s.matches(actor.playerId, query.limit ?? 20) })),
    skillMatch: implement(c.skillMatch, async ({ actor, params }) => s.match(actor.playerId, params.matchId)),
    skillSession: implement(c.skillSession, async ({ actor, params }) => s.session(actor.playerId, params.sessionId)),
    skillCommands: implement(c.skillCommands, async ({ actor, params, body }) => s.submit(actor.playerId, params.sessionId, body.commands)),
    skillFinish: implement(c.skillFinish, async ({ actor, params, body }) =>
      s.finish(actor.playerId, params.sessionId, body.claimedScore ?? null),
    ),
    skillAbandon: implement(c.skillAbandon, async ({ actor, params }) => s.abandon(actor.playerId, params.sessionId)),
    skillReplay: implement(c.skillReplay, async ({ actor, params }) => s.replay(actor.playerId, params.sessionId)),
    skillRatings: implement(c.skillRatings, async ({ actor }) => ({ ratings: await s.myRatings(actor.playerId) })),
    skillTournaments: implement(c.skillTournaments, async ({ actor, query }) => ({
      tournaments: await s.tournaments.list(actor.playerId, query.limit ?? 20),
    })),
    skillTournament: implement(c.skillTournament, async ({ actor, params }) => s.tournaments.get(actor.playerId, params.tournamentId)),
    skillEnterTournament: implement(
      c.skillEnterTournament,
      async ({ actor, params, body }) => s.tournaments.enter(actor.playerId, params.tournamentId, body.idempotencyKey),
      {
        complianceContext: ({ params }: HandlerInput<typeof c.skillEnterTournament>) => ({
          tournamentId: params.tournamentId,
          mode: 'tournament',
        }),
      },
    ),
    skillPlayTournament: implement(
      c.skillPlayTournament,
      async ({ actor, params }) => s.tournaments.play(actor.playerId, params.tournamentId),
      {
        complianceContext: ({ params }: HandlerInput<typeof c.skillPlayTournament>) => ({
          tournamentId: params.tournamentId,
          mode: 'tournament',
        }),
      },
    ),
    adminSkillCreateTournament: implement(c.adminSkillCreateTournament, async ({ actor, body, request }) =>
      s.tournaments.create({ id: actor.operatorId, username: actor.username }, body, { id: request.id, ip: request.ip }),
    ),
    adminSkillCancelTournament: implement(c.adminSkillCancelTournament, async ({ actor, params, body, request }) =>
      s.tournaments.cancel({ id: actor.operatorId, username: actor.username }, params.tournamentId, body.reason, {
        id: request.id,
        ip: request.ip,
      }),
    ),
    adminSkillHeldMatches: implement(c.adminSkillHeldMatches, async () => ({ items: await s.heldMatches() })),
    adminSkillResolveMatch: implement(c.adminSkillResolveMatch, async ({ actor, params, body, request }) =>
      s.resolveHeldMatch({ id: actor.operatorId, username: actor.username }, params.matchId, body.decision, body.reason, {
        id: request.id,
        ip: request.ip,
      }),
    ),
    adminSkillSessions: implement(c.adminSkillSessions, async ({ query }) => ({
      sessions: await s.reviewList({
        ...(query.flagged !== undefined ? { flagged: query.flagged } : {}),
        ...(query.playerId !== undefined ? { playerId: query.playerId } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      }),
    })),
    adminSkillSession: implement(c.adminSkillSession, async ({ params }) => s.reviewDetail(params.sessionId)),
  };
}
