// The provider's notify URL. It needs the body exactly as it arrived (the signature covers those
// bytes), so it lives in its own encapsulated Fastify context whose only body parser keeps the raw
// bytes; the API's JSON parser never sees it. Not a declared endpoint: it has no caller identity
// (the signature is the authentication) and answers in the provider's terms.
import type { FastifyInstance } from 'fastify';
import type { PaymentsEngine } from './engine.ts';
import { NOTIFY_BODY_BYTES_MAX } from './limits.ts';

export const NOTIFY_PATH = '/api/payments/wechatpay/notify';

export async function registerNotifyRoute(app: FastifyInstance, engine: PaymentsEngine): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: NOTIFY_BODY_BYTES_MAX }, (_request, body, done) => done(null, body));
    scope.post(
      NOTIFY_PATH,
      {
        schema: {
          operationId: 'wechatpayNotify',
          summary: 'WeChat Pay notifications (TRANSACTION.SUCCESS, REFUND.*, MCHTRANSFER.BILL.FINISHED): verified, decrypted and applied',
          description:
            'Signed by WeChat Pay (the signature over the raw body is the authentication). Answers 204 when applied or already applied; 401 when the signature, key, timestamp or ciphertext does not verify (including WECHATPAY/SIGNTEST probes); 500 `{"code":"FAIL"}` when it cannot be applied now (unknown order, amounts that do not match) so WeChat Pay retries on its schedule. Always answers within 5 seconds.',
          tags: ['payments'],
          'x-fairground-auth': 'none',
        },
      },
      async (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const answer = await engine.notifications.handle(request.headers, raw);
        reply.code(answer.status);
        if (answer.body === undefined) return reply.send();
        return reply.type('application/json').send(answer.body);
      },
    );
  });
}
