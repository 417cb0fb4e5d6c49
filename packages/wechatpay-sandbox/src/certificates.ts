// GET /v3/certificates: the platform certificates, each encrypted with the APIv3 key
// (AEAD_AES_256_GCM, associated_data "certificate"). A public-key-mode merchant has none.
import { type ApiRequest, type ApiResult, ok } from './api.ts';
import type { SandboxCore } from './core.ts';
import { aeadEncrypt } from './crypto.ts';
import { rfc3339 } from './time.ts';

export function listCertificates(core: SandboxCore, _req: ApiRequest): ApiResult {
  if (core.options.keyMode === 'publicKey') return ok({ data: [] });
  return ok({
    data: core.keys.platformCertificates.map((c) => ({
      serial_no: c.id,
      effective_time: rfc3339(c.effectiveMs),
      expire_time: rfc3339(c.expireMs),
      encrypt_certificate: aeadEncrypt(c.certificatePem, core.keys.apiV3Key, 'certificate'),
    })),
  });
}
