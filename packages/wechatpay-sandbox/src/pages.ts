// Placeholder until the pages land.
import type { IncomingHttpHeaders } from 'node:http';
import type { SandboxCore } from './core.ts';

export interface PageRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
}

export interface PageResult {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

export async function handlePage(_core: SandboxCore, _req: PageRequest): Promise<PageResult> {
  return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'not found' };
}
