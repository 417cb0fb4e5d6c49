// Handlers for the chat endpoints.
import { type Implementation, implement } from '../http/routes.ts';
import { chatContract as c } from './contract.ts';
import type { Chat } from './service.ts';

export function chatRoutes(chat: Chat): Record<keyof typeof c, Implementation> {
  return {
    chatOffer: implement(c.chatOffer, async ({ actor }) => {
      const o = await chat.offer(actor.playerId);
      return { phrases: o.phrases.map((p) => ({ ...p })), emoji: [...o.emoji], freeText: o.freeText };
    }),
    chatRecent: implement(c.chatRecent, async ({ actor, params }) => ({ items: await chat.recent(params.roomId, actor.playerId) })),
    chatReport: implement(c.chatReport, async ({ actor, body }) => chat.report(actor.playerId, body)),
    chatReports: implement(c.chatReports, async ({ query }) => ({
      items: (await chat.reports(query)).map((r) => ({ ...r, context: [...r.context] })),
    })),
    chatReportResolve: implement(c.chatReportResolve, async ({ actor, params, body, request }) => {
      const r = await chat.resolveReport(params.reportId, actor, body, { requestId: request.id, ip: request.ip });
      return { ...r, context: [...r.context] };
    }),
    chatRoom: implement(c.chatRoom, async ({ params, query }) => ({ items: await chat.roomChat(params.roomId, query.hand ?? null) })),
  };
}
