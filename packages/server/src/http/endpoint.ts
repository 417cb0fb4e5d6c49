// An endpoint is declared once, as data: method, URL, who may call it, what it does with money or
// play, and TypeBox schemas for every input and for its answer. The server registers it from
// this declaration; the OpenAPI document is generated from it; the browser clients take their
// types from it (type-only imports, so no schema code reaches a bundle).
import type { Static, TSchema } from '@sinclair/typebox';
import type { OperatorRole } from '../accounts/roles.ts';
import type { ComplianceAction } from '../compliance/actions.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Auth = 'none' | 'player' | 'operator';
/** Routes that move money or start/join play: they ask compliance first and need accepted terms. */
export type EndpointKind = 'money' | 'play';

export interface EndpointSpec {
  readonly method: Method;
  /** Fastify path syntax (`/api/admin/players/:playerId`). */
  readonly url: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly auth: Auth;
  /** For `auth: 'operator'`: the roles of which the operator must hold at least one. */
  readonly roles?: readonly OperatorRole[];
  readonly kind?: EndpointKind;
  /** For tagged routes: the action compliance is asked about. */
  readonly action?: ComplianceAction;
  /**
   * For tagged routes: a request that passes validation. The deny-all policy test sends it to prove
   * the route refuses before doing anything; it is published as `x-fairground-example`.
   */
  readonly example?: { readonly params?: object; readonly query?: object; readonly body?: object };
  readonly params?: TSchema;
  readonly query?: TSchema;
  readonly body?: TSchema;
  readonly response: TSchema;
  /** Success status; 200 unless given. */
  readonly status?: 200 | 201;
}

type Part<E, K extends string> = E extends { readonly [P in K]: infer S extends TSchema } ? Static<S> : undefined;

export interface EndpointTypes<E extends EndpointSpec> {
  readonly params: Part<E, 'params'>;
  readonly query: Part<E, 'query'>;
  readonly body: Part<E, 'body'>;
  readonly response: Static<E['response']>;
}

/** `{ 'GET /api/wallet/balances': { params, query, body, response } , … }` for a contract object. */
export type ApiOf<C extends Record<string, EndpointSpec>> = {
  [K in keyof C as `${C[K]['method']} ${C[K]['url']}`]: EndpointTypes<C[K]>;
};

/** Keeps the literal types of a contract while checking it against `EndpointSpec`. */
export function contract<const C extends Record<string, EndpointSpec>>(c: C): C {
  return c;
}
