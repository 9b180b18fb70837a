import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { RelayReply } from '../http/relay-exchange.ts';
import { ClientLink } from './client-link.ts';
import { primeStream, type StreamHandlers } from './relay-stream.ts';
import type { RuntimeChannel } from './runtime-channel.ts';
import { UpstreamCall } from './upstream-call.ts';

const controller: Dispatcher.DispatchController = {
  aborted: false,
  paused: false,
  reason: null,
  abort: () => {},
  pause: () => {},
  resume: () => {},
};

/** Handlers that pass text through, upper-cased (a stand-in for a translation), as text or bytes. */
function handlers(output: 'text' | 'bytes'): StreamHandlers {
  const out = (text: string) => (output === 'text' ? text : Buffer.from(text));
  return {
    gate: { open: true, error: undefined },
    chunk: (bytes) => out(bytes.toString('utf8').toUpperCase()),
    end: () => out('data: [DONE]\n\n'),
    fail: () => undefined,
  };
}

function reply(request: IncomingMessage, response: ServerResponse): RelayReply {
  return {
    raw: response,
    request: { raw: request },
    get sent() {
      return response.headersSent;
    },
    get statusCode() {
      return response.statusCode;
    },
    hijack: () => {},
    header: () => {},
  };
}

let server: Server | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
});

/**
 * Serves one request by piping `call` (driven by `feed`) to the client, and returns what reached the
 * client's socket: the HTTP chunks of the body, as sent.
 */
async function chunksReceived(
  output: 'text' | 'bytes',
  feed: (call: UpstreamCall, piped: Promise<void>) => void,
): Promise<string[]> {
  server = createServer((request, response) => {
    const call = new UpstreamCall();
    call.onRequestStart(controller);
    call.onResponseStart(controller, 200, {});
    let piped!: () => void;
    feed(call, new Promise((resolve) => (piped = resolve)));
    const answer = { channel: { name: 'test' } as RuntimeChannel, call, sentAt: 0 };
    void primeStream(answer, handlers(output), new ClientLink(response)).then(async (taken) => {
      if (!taken.ok) throw new Error('not primed');
      const done = taken.value.pipe(reply(request, response), {});
      piped();
      await done;
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  socket.write('GET / HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n');
  let raw = '';
  socket.setEncoding('latin1');
  socket.on('data', (text: string) => (raw += text));
  await once(socket, 'end');
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  // Chunked transfer coding: a hex size line, that many bytes, CRLF; a size of 0 ends the body.
  const chunks: string[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    const size = Number.parseInt(body.slice(at, lineEnd), 16);
    if (size === 0) break;
    chunks.push(Buffer.from(body.slice(lineEnd + 2, lineEnd + 2 + size), 'latin1').toString('utf8'));
    at = lineEnd + 2 + size + 2;
  }
  return chunks;
}

describe('a primed upstream stream piped to the client', () => {
  for (const output of ['text', 'bytes'] as const) {
    it(`sends a stream that came whole before the answer started as one chunk (${output})`, async () => {
      const chunks = await chunksReceived(output, (call) => {
        call.onResponseData(controller, Buffer.from('data: a\n\n'));
        call.onResponseData(controller, Buffer.from('data: é\n\n'));
        call.onResponseEnd();
      });
      expect(chunks).toEqual(['DATA: A\n\nDATA: É\n\ndata: [DONE]\n\n']);
    });

    it(`sends what comes after the answer started as it comes (${output})`, async () => {
      const chunks = await chunksReceived(output, (call, piped) => {
        call.onResponseData(controller, Buffer.from('data: a\n\n'));
        void piped.then(() => {
          setTimeout(() => {
            call.onResponseData(controller, Buffer.from('data: b\n\n'));
            setTimeout(() => call.onResponseEnd(), 5);
          }, 5);
        });
      });
      expect(chunks.join('')).toBe('DATA: A\n\nDATA: B\n\ndata: [DONE]\n\n');
      expect(chunks[0]).toBe('DATA: A\n\n');
    });
  }
});
