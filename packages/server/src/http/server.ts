// The HTTP server every node runs: Fastify reading JSON only, TypeBox validation without
// coercion, every error in the `{code, message, retryable}` shape, the OpenAPI document and
// Swagger UI, WebSockets, and the two web clients when they are served. Domains register their
// endpoints on it from their contracts (see routes.ts).
import { existsSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, CoreErrors, newId } from '@fairground/core';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { HttpErrors } from './errors.ts';
import { parseJsonBody } from './json.ts';
import { DeferredSerializers, trackDeferredSerializers } from './lazy-serializers.ts';
import { BODY_CONTROL, controlCharacterAt, LINE_CONTROL } from './text.ts';

const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const WEB_DIST = join(packagesDir, 'web', 'dist');
export const ADMIN_DIST = join(packagesDir, 'admin', 'dist');

export interface HttpServerOptions {
  readonly bodyLimitBytes: number;
  /**
   * Proxies whose X-Forwarded-For is believed (addresses or CIDR ranges): the client's address is
   * the nearest hop that is not one of them. Everything that reads a client address reads `request.ip`.
   */
  readonly trustedProxies: readonly string[];
  /** Fastify logger options. */
  readonly logger: FastifyServerOptions['logger'];
  /** The largest WebSocket message a client may send. */
  readonly socketMessageBytesMax: number;
}

/** A Fastify instance with the platform's parsing, validation, errors, OpenAPI document and WebSockets. */
export async function createHttpServer(o: HttpServerOptions): Promise<FastifyInstance> {
  // Response serializers are compiled on each route's first answer (lazy-serializers.ts): a node
  // holds only those of the routes it serves.
  const serializers = new DeferredSerializers();
  const app = Fastify({
    schemaController: { compilersFactory: { buildSerializer: serializers.factory } },
    logger: o.logger,
    bodyLimit: o.bodyLimitBytes,
    genReqId: () => newId('req'),
    trustProxy: [...o.trustedProxies],
    routerOptions: { maxParamLength: PATH_PARAM_LENGTH_MAX },
    // A URL the router cannot even read (a bad percent-encoding, an over-long path parameter) is
    // answered in the API's error shape like any other bad request.
    frameworkErrors: (error, _request, reply) => {
      const e = new AppError(error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? HttpErrors.URL_PARAM_TOO_LONG : HttpErrors.URL_MALFORMED, {
        max: PATH_PARAM_LENGTH_MAX,
      });
      (reply as FastifyReply).code(e.status).type('application/json').send(e.toJSON());
    },
    // Requests Node rejects before Fastify sees them (oversized headers, timeouts, broken framing).
    clientErrorHandler: (err, socket) => {
      if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' || socket.destroyed) return;
      const code = (err as NodeJS.ErrnoException).code;
      const def =
        code === 'HPE_HEADER_OVERFLOW'
          ? HttpErrors.HEADERS_TOO_LARGE
          : code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? HttpErrors.REQUEST_TIMEOUT
            : HttpErrors.REQUEST_MALFORMED;
      const body = JSON.stringify(new AppError(def).toJSON());
      if (socket.writable)
        socket.write(
          `HTTP/1.1 ${def.status} ${STATUS_CODES[def.status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
        );
      socket.destroy();
    },
  });
  trackDeferredSerializers(app, serializers);
  configureHttp(app, o.bodyLimitBytes);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Fairground API',
        version: '0.1.0',
        description:
          'Money fields are JSON integers in minor units (fen). Routes tagged `x-fairground-kind: money|play` ask the compliance policy first and need the current user agreement accepted. Errors are `{code, message, retryable, details?}` with a stable code.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  // No permessage-deflate: room frames are small and sent to every seat after every action, where
  // compressing each costs more CPU (and a zlib context per socket) than the bytes it saves on a
  // mobile link. `ws` masks and validates with the native bufferutil / utf-8-validate when installed.
  await app.register(websocket, { options: { maxPayload: o.socketMessageBytesMax, perMessageDeflate: false } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

function configureHttp(app: FastifyInstance, bodyLimitBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: bodyLimitBytes }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  // TypeBox checks without coercion for bodies: `"100"` is not 100, and a missing field is not a
  // default. Path and query strings are converted to the schema's types first (they are text).
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const typed = schema as TSchema;
    const check = TypeCompiler.Compile(typed);
    return (data: unknown) => {
      const value = httpPart === 'body' ? data : convertText(typed, data);
      const control = controlCharacterAt(value, httpPart === 'body' ? BODY_CONTROL : LINE_CONTROL, '', 0);
      if (control !== null)
        return {
          error: new AppError(CoreErrors.VALIDATION_FAILED, {
            part: httpPart ?? 'unknown',
            path: control,
            problem: 'control characters (such as NUL) are not allowed in text',
          }),
        };
      if (check.Check(value)) return { value };
      const first = check.Errors(value).First();
      return {
        error: new AppError(CoreErrors.VALIDATION_FAILED, {
          part: httpPart ?? 'unknown',
          path: first?.path ?? '',
          problem: first?.message ?? 'does not match the schema',
        }),
      };
    };
  });

  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    const e = toAppError(err);
    if (e.status >= 500) request.log.error({ err }, 'request failed');
    reply.code(e.status).type('application/json').send(e.toJSON());
  });

  // The query string is decoded leniently by the parser; a malformed escape is refused like one in the path.
  app.addHook('onRequest', async (request) => {
    const q = request.url.indexOf('?');
    if (q !== -1 && BAD_ESCAPE.test(request.url.slice(q))) throw new AppError(HttpErrors.URL_MALFORMED);
  });

  app.setNotFoundHandler((request, reply) => {
    const e = new AppError(HttpErrors.ROUTE_NOT_FOUND, { method: request.method, url: request.url.slice(0, 200) });
    reply.code(e.status).send(e.toJSON());
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    return payload;
  });
}

const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;
/** A `%` not followed by two hex digits. */
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
/** Path parameters longer than this are refused (URL_PARAM_TOO_LONG). */
export const PATH_PARAM_LENGTH_MAX = 128;

/**
 * Converts path and query text to the schema's types, but only exactly: TypeBox's conversion would
 * turn `limit=1.5` into 1, so integer fields convert only from plain integer text and otherwise
 * stay strings (and fail validation).
 */
function convertText(schema: TSchema, data: unknown): unknown {
  // Value.Convert converts objects in place: keep the original text first.
  const original = typeof data === 'object' && data !== null ? { ...(data as Record<string, unknown>) } : data;
  const converted = Value.Convert(schema, data);
  const properties = (schema as { properties?: Record<string, { type?: string }> }).properties;
  if (
    properties === undefined ||
    typeof original !== 'object' ||
    original === null ||
    typeof converted !== 'object' ||
    converted === null
  ) {
    return converted;
  }
  const out = { ...(converted as Record<string, unknown>) };
  for (const [key, raw] of Object.entries(original)) {
    // Integer text converts only when it is a plain integer within the safe range (the database's
    // columns hold any safe integer; a 20-digit number is refused here, never by the database).
    if (properties[key]?.type === 'integer' && typeof raw === 'string' && (!INTEGER_TEXT.test(raw) || !Number.isSafeInteger(Number(raw))))
      out[key] = raw;
  }
  return out;
}

const FASTIFY_CODES: Readonly<Record<string, typeof HttpErrors.BODY_MALFORMED>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: HttpErrors.BODY_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: HttpErrors.CONTENT_TYPE_UNSUPPORTED,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: HttpErrors.BODY_MALFORMED,
  FST_ERR_CTP_EMPTY_JSON_BODY: HttpErrors.BODY_MALFORMED,
  FST_ERR_VALIDATION: CoreErrors.VALIDATION_FAILED,
};

function toAppError(err: FastifyError | AppError): AppError {
  if (err instanceof AppError) return err;
  const mapped = FASTIFY_CODES[err.code];
  if (mapped) return new AppError(mapped);
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return new AppError(CoreErrors.VALIDATION_FAILED, { reason: err.code ?? 'bad request' });
  return new AppError(CoreErrors.INTERNAL);
}

/** Hashed bundle files never change under their name: browsers and proxies keep them a year. */
export const HASHED_ASSET_MAX_AGE_S = 365 * 24 * 3600;
/** Unhashed files beside the pages (icons, the share image) may change with a release: a day. */
export const PLAIN_ASSET_MAX_AGE_S = 24 * 3600;

/**
 * Cache lifetimes by kind of file: the pages themselves are revalidated on every visit (so a new
 * release is seen at once), the content-hashed files under `assets/` are immutable for a year,
 * anything else a day.
 */
function cacheHeaders(reply: FastifyReply, path: string): void {
  const name = path.replace(/\.(br|gz)$/, '');
  if (name.endsWith('.html')) reply.header('cache-control', 'no-cache');
  else if (/[\\/]assets[\\/]/.test(name)) reply.header('cache-control', `public, max-age=${HASHED_ASSET_MAX_AGE_S}, immutable`);
  else reply.header('cache-control', `public, max-age=${PLAIN_ASSET_MAX_AGE_S}`);
}

/**
 * The player client at `/`, the console at `/admin/` (both built by Vite into their `dist`, with
 * brotli and gzip copies of each text file made at build time and sent to browsers that take them).
 */
export async function serveClients(app: FastifyInstance): Promise<void> {
  if (!existsSync(join(WEB_DIST, 'index.html')) || !existsSync(join(ADMIN_DIST, 'index.html'))) {
    throw new Error(`the web clients are not built (${WEB_DIST}, ${ADMIN_DIST}); run \`npm run build\``);
  }
  // `index` as a list: with pre-compressed files the static server looks a page up only from a list.
  const common = { wildcard: false, index: ['index.html'], preCompressed: true, cacheControl: false, setHeaders: cacheHeaders };
  await app.register(fastifyStatic, { ...common, root: WEB_DIST, prefix: '/' });
  await app.register(fastifyStatic, { ...common, root: ADMIN_DIST, prefix: '/admin/', decorateReply: false });
  app.get('/admin', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/admin/', 301));
}
