// The HTTP API through `wx.request` (the mini-game has no fetch). Tokens live in the mini-game's
// own storage (`wx.setStorageSync`); an expired access token is refreshed once, concurrent calls
// waiting for the same rotation. Every failure is an ApiError with the server's stable code, or
// NETWORK_ERROR when no answer came.
import type { Tokens } from './wire.ts';

const TOKENS_KEY = 'fg.tokens';
/** A request that has not answered in this long is a network error (the server answers in far less). */
const REQUEST_TIMEOUT_MS = 15_000;

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export class Api {
  readonly origin: string;
  #refreshing: Promise<boolean> | null = null;
  /** Called when the session ended for good (refresh refused): the app goes back to sign-in. */
  onSignedOut: () => void = () => {};

  constructor(origin: string) {
    this.origin = origin;
  }

  get tokens(): Tokens | null {
    const raw: unknown = wx.getStorageSync(TOKENS_KEY);
    return raw !== null && typeof raw === 'object' && 'accessToken' in raw ? (raw as Tokens) : null;
  }

  setTokens(tokens: Tokens | null): void {
    if (tokens === null) wx.removeStorageSync(TOKENS_KEY);
    else wx.setStorageSync(TOKENS_KEY, tokens);
  }

  async call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    try {
      return await this.#send<T>(method, path, body);
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'AUTH_TOKEN_EXPIRED' || !(await this.#refresh())) {
        if (e instanceof ApiError && e.status === 401 && this.tokens !== null && !path.includes('/login')) {
          this.setTokens(null);
          this.onSignedOut();
        }
        throw e;
      }
      return this.#send<T>(method, path, body);
    }
  }

  #send<T>(method: Method, path: string, body: unknown): Promise<T> {
    const header: Record<string, string> = { accept: 'application/json' };
    const token = this.tokens?.accessToken;
    if (token !== undefined) header.authorization = `Bearer ${token}`;
    if (body !== undefined) header['content-type'] = 'application/json';
    return new Promise<T>((resolve, reject) => {
      wx.request({
        url: `${this.origin}${path}`,
        method: method as 'GET',
        header,
        timeout: REQUEST_TIMEOUT_MS,
        dataType: 'text',
        responseType: 'text',
        ...(body !== undefined ? { data: JSON.stringify(body) } : {}),
        success: (res) => {
          const text = typeof res.data === 'string' ? res.data : '';
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            reject(new ApiError(res.statusCode, 'RESPONSE_MALFORMED', `HTTP ${res.statusCode}`));
            return;
          }
          if (res.statusCode >= 200 && res.statusCode < 300) {
            resolve(json as T);
            return;
          }
          const e = (json ?? {}) as { code?: string; message?: string; details?: Record<string, unknown> };
          reject(new ApiError(res.statusCode, e.code ?? `HTTP_${res.statusCode}`, e.message ?? `HTTP ${res.statusCode}`, e.details));
        },
        fail: (err) => reject(new ApiError(0, 'NETWORK_ERROR', err.errMsg)),
      });
    });
  }

  #refresh(): Promise<boolean> {
    this.#refreshing ??= (async () => {
      const current = this.tokens;
      if (current === null) return false;
      try {
        this.setTokens(await this.#send<Tokens>('POST', '/api/auth/refresh', { refreshToken: current.refreshToken }));
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
