// Registers declared endpoints on Fastify. The order of checks is fixed here, once, for every
// route: who is calling (before the body is even read), then the schemas, then — for routes that
// move money or start play — admission (the accepted terms and the compliance policy), and only
// then the handler. A route cannot forget a check because it never performs one itself.
//
// This is the kernel: it knows the order, not the checks. Who a caller is and whether they may act
// come from the composition root (`RouteDeps`), so `http` imports no domain.
import { assert } from '@fairground/core';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Auth, EndpointAction, EndpointSpec, EndpointTypes } from './endpoint.ts';
import { ErrorBody } from './schemas.ts';

/**
 * The actor a handler receives for each `auth` kind, filled in by declaration merging by the domain
 * that authenticates (accounts: `player` → PlayerActor, `operator` → OperatorActor).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging
export interface Callers {}

/** Any authenticated caller. */
export type Caller = Callers[keyof Callers];

type ActorOf<A extends Auth> = A extends keyof Callers ? Callers[A] : undefined;

/** What the money and play checks read besides the action and the caller (amounts, game ids). */
export type AdmissionContext = Readonly<Record<string, string | number | boolean>>;

export interface HandlerInput<E extends EndpointSpec> {
  readonly params: EndpointTypes<E>['params'];
  readonly query: EndpointTypes<E>['query'];
  readonly body: EndpointTypes<E>['body'];
  readonly actor: ActorOf<E['auth']>;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface Implementation {
  readonly spec: EndpointSpec;
  readonly handler: (input: HandlerInput<EndpointSpec>) => Promise<unknown>;
  readonly complianceContext: ((input: HandlerInput<EndpointSpec>) => AdmissionContext) | undefined;
}

export function implement<E extends EndpointSpec>(
  spec: E,
  handler: (input: HandlerInput<E>) => Promise<Static<E['response']>>,
  options: { complianceContext?: (input: HandlerInput<E>) => AdmissionContext } = {},
): Implementation {
  return {
    spec,
    handler: handler as unknown as Implementation['handler'],
    complianceContext: options.complianceContext as Implementation['complianceContext'],
  };
}

export interface RouteDeps {
  /**
   * The caller of a route whose `auth` is not `none`, checked against the declaration (kind, roles);
   * throws the stable error for a missing, invalid or wrong caller.
   */
  authenticate(authorization: string | undefined, spec: EndpointSpec): Promise<Caller>;
  /** For money and play routes, after the schemas: throws when this caller may not take this action now. */
  admit(actor: Caller, action: EndpointAction, context: AdmissionContext): Promise<void>;
}

const actors = new WeakMap<FastifyRequest, Caller>();

/** The actor a route's auth hook resolved (for plugins that are not declared endpoints, such as WebSocket upgrades). */
export function actorOf(request: FastifyRequest): Caller | undefined {
  return actors.get(request);
}

/** Checks a declaration for mistakes a reviewer could miss; a failure is a programmer error and stops start-up. */
export function assertWellDeclared(name: string, spec: EndpointSpec): void {
  const fail = (why: string) => {
    throw new Error(`endpoint ${name} (${spec.method} ${spec.url}): ${why}`);
  };
  if (!spec.url.startsWith('/api/')) fail('API routes live under /api/');
  if (spec.auth === 'operator' && (spec.roles === undefined || spec.roles.length === 0)) fail('operator routes must name their roles');
  if (spec.auth !== 'operator' && spec.roles !== undefined) fail('roles only apply to operator routes');
  if ((spec.method === 'GET' || spec.method === 'DELETE') && spec.body !== undefined) fail(`${spec.method} takes no body`);
  if (spec.kind !== undefined) {
    if (spec.action === undefined) fail('money and play routes must name their compliance action');
    if (spec.auth === 'none') fail('money and play routes need an authenticated actor');
    if (spec.example === undefined) fail('money and play routes must carry a valid example request');
  }
  if (spec.kind === undefined && spec.action !== undefined) fail('an action without a kind is never checked');
  const ex = spec.example;
  if (ex) {
    for (const [part, schema, value] of [
      ['params', spec.params, ex.params],
      ['query', spec.query, ex.query],
      ['body', spec.body, ex.body],
    ] as const) {
      if (schema !== undefined && !Value.Check(schema, Value.Convert(schema, structuredClone(value))))
        fail(`example ${part} does not match its schema`);
    }
  }
}

export function registerEndpoint(app: FastifyInstance, name: string, impl: Implementation, deps: RouteDeps): void {
  const { spec } = impl;
  assertWellDeclared(name, spec);
  const status = spec.status ?? 200;
  const schema: Record<string, unknown> = {
    operationId: name,
    summary: spec.summary,
    tags: [...spec.tags],
    response: { [status]: spec.response, '4xx': ErrorBody, '5xx': ErrorBody },
  };
  if (spec.params) schema.params = spec.params;
  if (spec.query) schema.querystring = spec.query;
  if (spec.body) schema.body = spec.body;
  if (spec.auth !== 'none') schema.security = [{ bearer: [] }];
  if (spec.kind) {
    schema['x-fairground-kind'] = spec.kind;
    schema['x-fairground-action'] = spec.action;
    schema['x-fairground-example'] = spec.example;
  }
  if (spec.roles) schema['x-fairground-roles'] = [...spec.roles];
  schema['x-fairground-auth'] = spec.auth;

  app.route({
    method: spec.method,
    url: spec.url,
    schema,
    config: { kind: spec.kind, action: spec.action, auth: spec.auth, roles: spec.roles },
    // Identity first: an anonymous or wrong-kind caller learns nothing about the body's shape.
    onRequest: async (request) => {
      if (spec.auth === 'none') return;
      actors.set(request, await deps.authenticate(request.headers.authorization, spec));
    },
    preHandler: async (request, reply) => {
      if (spec.kind === undefined || spec.action === undefined) return;
      const actor = actors.get(request);
      assert(actor !== undefined, `${name} has no actor`);
      const context = impl.complianceContext ? impl.complianceContext(inputOf(request, reply)) : {};
      await deps.admit(actor, spec.action, context);
    },
    handler: async (request, reply) => {
      const result = await impl.handler(inputOf(request, reply));
      reply.code(status);
      return result;
    },
  });
}

function inputOf(request: FastifyRequest, reply: FastifyReply): HandlerInput<EndpointSpec> {
  return {
    params: request.params as undefined,
    query: request.query as undefined,
    body: request.body as undefined,
    actor: actors.get(request) as never,
    request,
    reply,
  };
}
