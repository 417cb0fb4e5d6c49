// An endpoint is declared once, as data: method, URL, who may call it, what it does with money or
// play, and TypeBox schemas for every input and for its answer. The server registers it from
// this declaration; the OpenAPI document is generated from it; the browser clients take their
// types from it (type-only imports, so no schema code reaches a bundle).
//
// `http` is the shared kernel and imports no domain. The words it leaves open are filled in by the
// domains that own them through declaration merging (`declare module '../http/endpoint.ts'`), the
// way Fastify plugins extend Fastify's own types: accounts names the operator roles, compliance the
// actions. A contract that names an unknown role or action still fails to compile.
import type { Static, TSchema } from '@sinclair/typebox';

/** Augmented by the owning domains: `role` (accounts), `action` (compliance). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging
export interface EndpointVocabulary {}

type Word<K extends string> = EndpointVocabulary extends { readonly [P in K]: infer W extends string } ? W : string;
/** An operator role a route may name (accounts' `OperatorRole`). */
export type EndpointRole = Word<'role'>;
/** A money or play action compliance is asked about (compliance's `ComplianceAction`). */
export type EndpointAction = Word<'action'>;

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
  readonly roles?: readonly EndpointRole[];
  readonly kind?: EndpointKind;
  /** For tagged routes: the action compliance is asked about. */
  readonly action?: EndpointAction;
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
