// Handlers of the customer-service endpoints.
import { implement, type Implementation } from '../http/routes.ts';
import { supportContract as c } from './contract.ts';
import type { Support } from './service.ts';

export function supportRoutes(s: Support): Record<keyof typeof c, Implementation> {
  return {
    supportInfo: implement(c.supportInfo, async () => s.hours()),
    supportThreads: implement(c.supportThreads, async ({ query }) => ({ items: await s.threads(query.limit ?? 50), hours: s.hours() })),
    supportAnswer: implement(c.supportAnswer, async ({ actor, params, body, request }) =>
      s.answer(actor, params.kind, params.threadId, body.text, { requestId: request.id, ip: request.ip }),
    ),
    supportExport: implement(c.supportExport, async ({ actor, query, request, reply }) => {
      const r = await s.export(actor, query.format, query.limit ?? 200, { requestId: request.id, ip: request.ip });
      reply.type(query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="support-conversations.${query.format}"`);
      reply.header('x-export-rows', String(r.rows));
      return r.body;
    }),
  };
}
