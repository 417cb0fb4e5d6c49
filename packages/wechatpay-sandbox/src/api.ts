// The shape of one API call as handlers see it, and of their answers.
import type { IncomingHttpHeaders } from 'node:http';
import { parseJsonBody, type Json } from './validate.ts';

export interface ApiRequest {
  method: string;
  /** Path and query exactly as on the request line. */
  rawUrl: string;
  /** Decoded path without the query. */
  path: string;
  query: URLSearchParams;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  /** Path parameters of the matched route, percent-decoded. */
  params: string[];
  /** The merchant id from a verified Authorization header ('' on unsigned routes). */
  mchid: string;
  /** The request's Wechatpay-Serial header, naming the key its sensitive fields are encrypted for. */
  serial: string | undefined;
}

export interface ApiResult {
  status: number;
  /** JSON body; omitted for 204. */
  body?: unknown;
  /** A raw body (bill files); sent as is. */
  raw?: Buffer;
  contentType?: string;
  /** False for the bill download, which WeChat Pay does not sign. */
  signed?: boolean;
  headers?: Record<string, string>;
}

export function jsonBody(req: ApiRequest): Json {
  return parseJsonBody(req.rawBody);
}

export function ok(body: unknown): ApiResult {
  return { status: 200, body };
}

export const NO_CONTENT: ApiResult = { status: 204 };
