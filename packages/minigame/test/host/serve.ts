// The browser host's own static server, for tests and the bench: the adapter page, the built
// mini-game package, and a same-origin proxy of /api (HTTP and WebSocket) to a running platform.
// It lives here rather than in the server so production never serves a page that strips globals,
// and the server stays untouched; the proxy keeps the browser's X-Forwarded-For, so each test
// browser still counts as its own network address for the same-IP rule.
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { stripTypeScriptTypes } from 'node:module';
import { connect } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { MINIGAME_DIST } from '../../build.ts';

const HERE = new URL('.', import.meta.url).pathname;
const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.wav': 'audio/wav',
  '.png': 'image/png',
};

export interface Host {
  readonly url: string;
  close(): Promise<void>;
}

function rawHead(req: IncomingMessage, target: URL): string {
  const lines = [`${req.method} ${req.url} HTTP/1.1`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    lines.push(`${name}: ${name.toLowerCase() === 'host' ? target.host : req.rawHeaders[i + 1]}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * `weixinSandboxUrl`: the weixin sandbox the platform signs in against; its test players, codes and
 * payment sheet are proxied at `/sandbox/` so the page reaches them on its own origin.
 */
export async function startHost(platformUrl: string, o: { readonly weixinSandboxUrl?: string } = {}): Promise<Host> {
  const target = new URL(platformUrl);
  const sandbox = o.weixinSandboxUrl === undefined ? null : new URL(o.weixinSandboxUrl);
  const adapterJs = stripTypeScriptTypes(readFileSync(join(HERE, 'wx-adapter.ts'), 'utf8'));
  const page = readFileSync(join(HERE, 'index.html'));
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const to = path.startsWith('/api/') ? target : sandbox !== null && path.startsWith('/sandbox/') ? sandbox : null;
    if (to !== null) {
      const up = httpRequest(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => res.writeHead(502).end());
      req.pipe(up);
      return;
    }
    if (path === '/host/' || path === '/host') {
      res.writeHead(200, { 'content-type': TYPES['.html'] as string, 'cache-control': 'no-store' }).end(page);
      return;
    }
    if (path === '/host/wx-adapter.js') {
      res.writeHead(200, { 'content-type': TYPES['.js'] as string, 'cache-control': 'no-store' }).end(adapterJs);
      return;
    }
    if (path.startsWith('/minigame/')) {
      const rel = normalize(decodeURIComponent(path.slice('/minigame/'.length)));
      if (rel.startsWith('..')) {
        res.writeHead(400).end();
        return;
      }
      try {
        const body = readFileSync(join(MINIGAME_DIST, rel));
        res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket, head) => {
    const up = connect(Number(target.port), target.hostname, () => {
      up.write(rawHead(req, target));
      if (head.length > 0) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('host did not bind');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
