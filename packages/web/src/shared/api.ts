// The typed API client both browser apps use. Types come from the server's endpoint declarations
// (`import type`: nothing of the server reaches the bundle), so a renamed field or a changed
// response is a compile error here, not a blank screen.
import type { Api, ApiRoute } from '@fairground/server/contract';

export type { Api, ApiRoute };
export type Response<R extends ApiRoute> = Api[R]['response'];

type Field<K extends string, T> = [T] extends [undefined] ? { readonly [P in K]?: undefined } : { readonly [P in K]: T };
/** `{ params, query, body }` with exactly the parts the route declares. */
export type RequestOf<R extends ApiRoute> = Field<'params', Api[R]['params']> &
  Partial<Field<'query', Api[R]['query']>> &
  Field<'body', Api[R]['body']>;

export interface Tokens {
  readonly accessToken: string;
  readonly accessExpiresAtMs: number;
  readonly refreshToken: string;
  readonly refreshExpiresAtMs: number;
}

/** An API failure: the server's stable `code`, or NETWORK_ERROR when no answer came. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;
  constructor(status: number, body: { code: string; message: string; retryable?: boolean; details?: Record<string, unknown> }) {
    super(body.message);
    this.name = 'ApiError';
    this.code = body.code;
    this.status = status;
    this.retryable = body.retryable ?? false;
    this.details = body.details;
  }
}

export interface TokenStore {
  get(): Tokens | null;
  set(tokens: Tokens | null): void;
}

/** Tokens in localStorage under `key` (one key per app, so the player and the console never share a session). */
export function localTokenStore(key: string): TokenStore {
  return {
    get() {
      const raw = globalThis.localStorage?.getItem(key);
      if (!raw) return null;
      try {
        return JSON.parse(raw) as Tokens;
      } catch {
        return null;
      }
    },
    set(tokens) {
      if (tokens === null) globalThis.localStorage?.removeItem(key);
      else globalThis.localStorage?.setItem(key, JSON.stringify(tokens));
    },
  };
}

/** Retries that refresh a token before giving up. */
const REFRESH_ATTEMPTS_MAX = 1;

export interface ApiClientOptions {
  readonly baseUrl?: string;
  readonly tokens: TokenStore;
  /** Called when the session ended (refresh failed or was refused): the app shows its sign-in page. */
  readonly onSignedOut?: () => void;
  /** Called when the server says a newer agreement must be accepted first: the app shows it. */
  readonly onTermsOutdated?: () => void;
  readonly fetch?: typeof fetch;
}

export class ApiClient {
  readonly #o: ApiClientOptions;
  #refreshing: Promise<boolean> | null = null;

  constructor(options: ApiClientOptions) {
    this.#o = options;
  }

  get signedIn(): boolean {
    return this.#o.tokens.get() !== null;
  }

  get accessToken(): string | null {
    return this.#o.tokens.get()?.accessToken ?? null;
  }

  setTokens(tokens: Tokens | null): void {
    this.#o.tokens.set(tokens);
  }

  async call<R extends ApiRoute>(route: R, request: RequestOf<R>): Promise<Response<R>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#send(route, request);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'TERMS_NOT_ACCEPTED') this.#o.onTermsOutdated?.();
        const expired = e instanceof ApiError && e.code === 'AUTH_TOKEN_EXPIRED';
        if (!expired || attempt >= REFRESH_ATTEMPTS_MAX || !(await this.#refresh())) {
          if (e instanceof ApiError && e.status === 401 && this.#o.tokens.get() !== null && !route.endsWith('/login')) {
            this.#o.tokens.set(null);
            this.#o.onSignedOut?.();
          }
          throw e;
        }
      }
    }
  }

  async #send<R extends ApiRoute>(route: R, request: RequestOf<R>): Promise<Response<R>> {
    const space = route.indexOf(' ');
    const method = route.slice(0, space);
    let path = route.slice(space + 1);
    const r = request as { params?: Record<string, string>; query?: Record<string, string | number | undefined>; body?: unknown };
    for (const [k, v] of Object.entries(r.params ?? {})) path = path.replace(`:${k}`, encodeURIComponent(v));
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(r.query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const url = `${this.#o.baseUrl ?? ''}${path}${qs.size > 0 ? `?${qs}` : ''}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.#o.tokens.get()?.accessToken;
    if (token) headers.authorization = `Bearer ${token}`;
    if (r.body !== undefined) headers['content-type'] = 'application/json';
    let res: globalThis.Response;
    try {
      res = await (this.#o.fetch ?? fetch)(url, { method, headers, ...(r.body !== undefined ? { body: JSON.stringify(r.body) } : {}) });
    } catch (e) {
      throw new ApiError(0, { code: 'NETWORK_ERROR', message: (e as Error).message, retryable: true });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new ApiError(res.status, { code: 'RESPONSE_MALFORMED', message: `HTTP ${res.status}`, retryable: res.status >= 500 });
    }
    if (!res.ok) {
      const body = json as { code?: string; message?: string };
      throw new ApiError(res.status, {
        ...(json as object),
        code: body?.code ?? `HTTP_${res.status}`,
        message: body?.message ?? `HTTP ${res.status}`,
      });
    }
    return json as Response<R>;
  }

  /** One refresh at a time: concurrent expired calls wait for the same rotation. */
  #refresh(): Promise<boolean> {
    this.#refreshing ??= (async () => {
      const current = this.#o.tokens.get();
      if (!current) return false;
      try {
        const next = await this.#send('POST /api/auth/refresh', { body: { refreshToken: current.refreshToken } });
        this.#o.tokens.set(next);
        return true;
      } catch {
        return false;
      }
    })().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }
}
