// Response serializers compiled on a route's first answer instead of at start. Fastify compiles one
// serializer (fast-json-stringify: generated source, a function, its helpers) per route, status
// and content type when the server starts: about 270 of them for the platform's routes, 12 MB of
// the idle process's V8 heap, most of them for routes a given node never answers (a room node
// serves a handful). The serializer made on first use is the same one Fastify would have made at
// start, from the same schema and options; only when it is made changes. A response schema that
// cannot compile therefore fails at its first answer, not at start: `compileDeferredSerializers`
// builds every pending one at once, and a test calls it on the whole platform so such a schema
// still fails before it ships.
import { type SerializerFactory, SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyInstance } from 'fastify';

type Serialize = (data: unknown) => string;

/** One server's serializers not compiled yet: the function that compiles each. */
export class DeferredSerializers {
  readonly #pending = new Set<() => Serialize>();

  /** Fastify's `schemaController.compilersFactory.buildSerializer`: the default factory, deferred. */
  readonly factory: SerializerFactory = (externalSchemas, serializerOpts) => {
    const compile = SerializerSelector()(externalSchemas, serializerOpts);
    return (route) => {
      let serialize: Serialize | null = null;
      const build = (): Serialize => {
        if (serialize === null) {
          serialize = compile(route);
          this.#pending.delete(build);
        }
        return serialize;
      };
      this.#pending.add(build);
      return (data: unknown) => build()(data);
    };
  };

  /** Compiles every serializer not compiled yet (a schema that cannot compile throws here); returns how many. */
  compileAll(): number {
    const builds = [...this.#pending];
    for (const build of builds) build();
    return builds.length;
  }
}

const byServer = new WeakMap<FastifyInstance, DeferredSerializers>();

/** Records which deferred serializers belong to a server (createHttpServer does, once). */
export function trackDeferredSerializers(app: FastifyInstance, deferred: DeferredSerializers): void {
  byServer.set(app, deferred);
}

/** Compiles every response serializer of a server that has not answered on its route yet; returns how many. */
export function compileDeferredSerializers(app: FastifyInstance): number {
  const deferred = byServer.get(app);
  if (deferred === undefined) throw new Error('not a server made by createHttpServer');
  return deferred.compileAll();
}
