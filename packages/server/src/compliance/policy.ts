// A compliance policy is a JSON document: what each action may do, in one place an auditor can
// read. This issue defines its frame (per-action allow/deny with a reason code); later issues add
// ages, hours, limits and jurisdictions as new optional sections of the same schema.
import { readFileSync } from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { COMPLIANCE_ACTIONS } from './actions.ts';

const Effect = Type.Union([Type.Literal('allow'), Type.Literal('deny')]);
const ReasonCode = Type.String({ pattern: '^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$', maxLength: 64 });

export const ActionRuleSchema = Type.Object(
  {
    effect: Effect,
    /** Reason code shown to the client on deny (SCREAMING_SNAKE). */
    code: Type.Optional(ReasonCode),
    message: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const PolicySchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9_-]{1,64}$' }),
    version: Type.Integer({ minimum: 1 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    defaultEffect: Effect,
    defaultCode: Type.Optional(ReasonCode),
    defaultMessage: Type.Optional(Type.String({ maxLength: 500 })),
    actions: Type.Partial(
      Type.Object(Object.fromEntries(COMPLIANCE_ACTIONS.map((a) => [a, ActionRuleSchema])) as Record<string, typeof ActionRuleSchema>, {
        additionalProperties: false,
      }),
    ),
  },
  { additionalProperties: false },
);
export type Policy = Static<typeof PolicySchema>;

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

export function parsePolicy(value: unknown, source: string): Policy {
  const first = Value.Errors(PolicySchema, value).First();
  if (first) throw new PolicyError(`policy ${source}: ${first.path || '/'} ${first.message}`);
  return value as Policy;
}

export function loadPolicyFile(path: string): Policy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new PolicyError(`policy ${path}: ${(e as Error).message}`);
  }
  return parsePolicy(raw, path);
}
