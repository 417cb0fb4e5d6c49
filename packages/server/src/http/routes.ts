// Registers declared endpoints on Fastify. The order of checks is fixed here, once, for every
// route: who is calling (before the body is even read), then the schemas, then — for routes that
// move money or start play — the accepted terms and the compliance policy, and only then the
// handler. A route cannot forget a check because it never performs one itself.
import { AppError, assert } from '@fairground/core';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccountsErrors } from '../accounts/errors.ts';
import { enforce } from '../compliance/index.ts';
import type { Compliance, ComplianceActor, ComplianceContext } from '../compliance/ports.ts';
import type { Actor, Authenticator, OperatorActor, PlayerActor } from './actors.ts';
import type { Auth, EndpointSpec, EndpointTypes } from './endpoint.ts';
import { ErrorBody } from './schemas.ts';

type ActorOf<A extends Auth> = A extends 'player' ? PlayerActor : A extends 'operator' ? OperatorActor : undefined;

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
  readonly complianceContext: ((input: HandlerInput<EndpointSpec>) => ComplianceContext) | undefined;
}

export function implement<E extends EndpointSpec>(
  spec: E,
  handler: (input: HandlerInput<E>) => Promise<Static<E['response']>>,
  options: { complianceContext?: (input: HandlerInput<E>) => ComplianceContext } = {},
): Implementation {
  return {
    spec,
    handler: handler as unknown as Implementation['handler'],
    complianceContext: options.complianceContext as Implementation['complianceContext'],
  };
}

export interface RouteDeps {
  readonly authenticator: Authenticator;
  readonly compliance: Compliance;
  /** The user-agreement version a player must have accepted before money or play. */
  readonly termsVersion: string;
}

const actors = new WeakMap<FastifyRequest, Actor>();

/** The actor a route's auth hook resolved (for plugins that are not declared endpoints, such as WebSocket upgrades). */
export function actorOf(request: FastifyRequest): Actor | undefined {
  return actors.get(request);
}

function complianceActor(actor: Actor): ComplianceActor {
  return actor.kind === 'player'
    ? { kind: 'player', playerId: actor.playerId }
    : { kind: 'operator', operatorId: actor.operatorId, roles: actor.roles };
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
      const actor = await deps.authenticator.authenticate(request.headers.authorization);
      if (spec.auth === 'player' && actor.kind !== 'player') throw new AppError(AccountsErrors.AUTH_PLAYER_REQUIRED);
      if (spec.auth === 'operator') {
        if (actor.kind !== 'operator') throw new AppError(AccountsErrors.AUTH_OPERATOR_REQUIRED);
        const roles = spec.roles ?? [];
        if (!actor.roles.some((r) => roles.includes(r))) throw new AppError(AccountsErrors.AUTH_ROLE_MISSING, { needs: [...roles] });
      }
      actors.set(request, actor);
    },
    preHandler: async (request, reply) => {
      if (spec.kind === undefined || spec.action === undefined) return;
      const actor = actors.get(request);
      assert(actor !== undefined, `${name} has no actor`);
      if (actor.kind === 'player' && actor.termsVersion !== deps.termsVersion) {
        throw new AppError(AccountsErrors.TERMS_NOT_ACCEPTED, { current: deps.termsVersion });
      }
      const context = impl.complianceContext ? impl.complianceContext(inputOf(request, reply)) : {};
      await enforce(deps.compliance, spec.action, complianceActor(actor), context);
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
