// Customer service both ways: operators answer players' feedback and reports (the answer reaches
// the player's inbox), export the conversations, and players read the service hours.
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { IdString, TimeMs } from '../http/schemas.ts';
import { SUPPORT_ANSWER_LENGTH_MAX, SUPPORT_THREADS_MAX } from './limits.ts';

const ThreadKind = Type.Union([Type.Literal('feedback'), Type.Literal('report')]);

export const SupportThread = Type.Object({
  kind: ThreadKind,
  id: Type.String(),
  playerId: Type.String(),
  topic: Type.String({ description: 'the feedback topic, or the report reason' }),
  text: Type.String(),
  status: Type.String({ description: 'feedback: open or answered; reports: open, upheld or dismissed' }),
  atMs: TimeMs(),
  answers: Type.Array(Type.Object({ id: Type.String(), operator: Type.String(), text: Type.String(), atMs: TimeMs() })),
});

const Hours = Type.Object({
  alwaysOpen: Type.Boolean(),
  opensAt: Type.String(),
  closesAt: Type.String(),
  escalation: Type.String(),
  openNow: Type.Boolean(),
});

export const supportContract = contract({
  supportInfo: {
    method: 'GET',
    url: '/api/support',
    summary: 'Customer service hours (China time) and where to escalate',
    tags: ['support'],
    auth: 'player',
    response: Hours,
  },
  supportThreads: {
    method: 'GET',
    url: '/api/admin/support/threads',
    summary: 'Players’ feedback and reports with the answers given, newest first',
    tags: ['admin', 'support'],
    auth: 'operator',
    roles: ['support', 'risk', 'admin'],
    query: Type.Object(
      { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SUPPORT_THREADS_MAX })) },
      { additionalProperties: false },
    ),
    response: Type.Object({ items: Type.Array(SupportThread), hours: Hours }),
  },
  supportAnswer: {
    method: 'POST',
    url: '/api/admin/support/threads/:kind/:threadId/answers',
    summary: 'Answer a player’s feedback or report: the answer reaches the player’s inbox (audited)',
    tags: ['admin', 'support'],
    auth: 'operator',
    roles: ['support', 'admin'],
    params: Type.Object({ kind: ThreadKind, threadId: IdString() }, { additionalProperties: false }),
    body: Type.Object({ text: Type.String({ minLength: 2, maxLength: SUPPORT_ANSWER_LENGTH_MAX }) }, { additionalProperties: false }),
    response: SupportThread,
    status: 201,
  },
  supportExport: {
    method: 'GET',
    url: '/api/admin/support/export',
    summary: 'The conversations (questions and answers) as CSV or JSON (audited)',
    tags: ['admin', 'support'],
    auth: 'operator',
    roles: ['support', 'admin'],
    query: Type.Object(
      {
        format: Type.Union([Type.Literal('csv'), Type.Literal('json')]),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SUPPORT_THREADS_MAX })),
      },
      { additionalProperties: false },
    ),
    response: Type.String({ description: 'text/csv (one row per message) or application/json (the threads)' }),
  },
});
