// The first operators. A fresh installation has nobody who can sign in to the console: the first
// admin comes from the environment (FAIRGROUND_ADMIN_USERNAME/PASSWORD, optionally
// FAIRGROUND_ADMIN_TOTP_SECRET) or from `cli.ts create-operator`. In development a demo operator
// with published credentials is seeded so the console can be tried at once.
import type { Accounts, CreatedOperator } from '../accounts/index.ts';
import { OPERATOR_ROLES, otpauthUrl, TOTP_ISSUER } from '../accounts/index.ts';
import type { Store } from '../storage/ports.ts';
import type { AuditLog } from '../audit/index.ts';

/** Documented in the README. Never seeded in production (config refuses it). */
export const DEMO_OPERATOR = {
  username: 'demo',
  password: 'fairground-demo',
  totpSecret: 'FAIRGROUNDDEMOOPERATORTOTP234567',
} as const;

export interface BootstrapLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export async function createOperatorAudited(
  deps: { accounts: Pick<Accounts, 'operators'>; audit: AuditLog },
  input: { username: string; password: string; roles: readonly (typeof OPERATOR_ROLES)[number][]; totpSecret?: string },
  by: string,
): Promise<CreatedOperator> {
  return deps.accounts.operators.create(input, (tx, op) =>
    deps.audit.record(tx, {
      operator: { id: null, username: by },
      action: 'operator.create',
      target: { kind: 'operator', id: op.id },
      after: { username: op.username, roles: op.roles },
    }),
  );
}

export async function bootstrapOperators(
  deps: { store: Store; accounts: Accounts; audit: AuditLog },
  options: {
    bootstrapAdmin: { username: string; password: string; totpSecret: string | undefined } | undefined;
    seedDemoOperator: boolean;
  },
  log: BootstrapLog,
): Promise<void> {
  const admin = options.bootstrapAdmin;
  if (admin && (await deps.accounts.operators.findByUsername(admin.username)) === null) {
    const created = await createOperatorAudited(
      deps,
      {
        username: admin.username,
        password: admin.password,
        roles: OPERATOR_ROLES,
        ...(admin.totpSecret ? { totpSecret: admin.totpSecret } : {}),
      },
      'bootstrap',
    );
    log.warn(
      admin.totpSecret
        ? { username: created.username }
        : { username: created.username, totpSecret: created.totpSecret, otpauthUrl: created.otpauthUrl },
      admin.totpSecret
        ? 'created the first admin operator from the environment'
        : 'created the first admin operator from the environment; enrol this TOTP secret now, it is not shown again',
    );
  }
  if (options.seedDemoOperator) {
    if ((await deps.accounts.operators.findByUsername(DEMO_OPERATOR.username)) === null) {
      await createOperatorAudited(deps, { ...DEMO_OPERATOR, roles: OPERATOR_ROLES }, 'bootstrap');
    }
    log.info(
      {
        username: DEMO_OPERATOR.username,
        password: DEMO_OPERATOR.password,
        totpSecret: DEMO_OPERATOR.totpSecret,
        otpauthUrl: otpauthUrl(TOTP_ISSUER, DEMO_OPERATOR.username, DEMO_OPERATOR.totpSecret),
      },
      'development demo operator (console at /admin/): sign in with this username, password and a code from the TOTP secret',
    );
  }
}
