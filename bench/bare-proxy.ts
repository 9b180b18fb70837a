// The floor the benchmark compares Switchboard against: a forwarding proxy that does nothing but
// move bytes. No auth, no parsing, no logging. Method, path, headers and body go to the upstream
// through a keep-alive undici Pool; status, headers and body come back, streamed as they arrive.
//
//   node --import tsx bench/bare-proxy.ts --upstream http://127.0.0.1:PORT [--port 0] [--host 127.0.0.1]
//
// Prints `BARE_PROXY_URL=http://HOST:PORT` on stdout once listening; exits on SIGTERM/SIGINT.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';

// RFC 9110 §7.6.1 connection-specific headers, plus `host` (undici sets the upstream's own).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

type Headers = Record<string, string | string[]>;

function endToEndHeaders(headers: Record<string, string | string[] | undefined>): Headers {
  const kept: Headers = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}

const { values } = parseArgs({
  options: {
    upstream: { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});
if (values.upstream === undefined) {
  console.error('usage: bare-proxy.ts --upstream <url> [--port <port>] [--host <host>]');
  process.exit(2);
}
const upstream = new URL(values.upstream);
const pool = new Pool(upstream.origin);

function forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer | null): void {
  pool.stream(
    {
      method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
      path: req.url ?? '/',
      headers: endToEndHeaders(req.headers),
      body,
    },
    ({ statusCode, headers }) => {
      res.writeHead(statusCode, endToEndHeaders(headers));
      return res;
    },
    (error) => {
      if (error === null) return;
      if (res.headersSent) {
        res.destroy(error);
        return;
      }
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `bare proxy: upstream failed: ${error.message}` } }));
    },
  );
}

// The request body is collected before forwarding (a Buffer body costs undici less than a stream
// body, and any gateway has to read the whole body anyway); the response is streamed through.
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body =
      chunks.length === 0 ? null : chunks.length === 1 ? (chunks[0] ?? null) : Buffer.concat(chunks);
    forward(req, res, body);
  });
});

server.listen(Number(values.port), values.host, () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`BARE_PROXY_URL=http://${values.host}:${port}\n`);
});

function shutdown(): void {
  server.closeAllConnections();
  server.close();
  void pool.destroy().finally(() => process.exit(0));
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
