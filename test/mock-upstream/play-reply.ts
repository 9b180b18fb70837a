import type { Exchange } from './exchange.ts';
import type { ChatRequestView, MockProtocol } from './mock-protocol.ts';
import type { ErrorReply, MockReply, RawReply } from './mock-reply.ts';
import { resolveChatReply } from './resolve-chat-reply.ts';
import { writeRenderedReply } from './write-rendered-reply.ts';

export interface PlayContext {
  protocol: MockProtocol;
  request: ChatRequestView;
  defaultStreamChunks: number;
}

const defaultDelayBetweenPartsMs = 2;

function writeError(exchange: Exchange, reply: ErrorReply, protocol: MockProtocol): void {
  const body = reply.body ?? protocol.errorBody(reply.status);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const contentType = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  exchange.response.writeHead(reply.status, {
    'content-type': contentType,
    ...reply.headers,
    'content-length': String(Buffer.byteLength(text)),
  });
  exchange.response.end(text);
}

async function writeRaw(exchange: Exchange, reply: RawReply): Promise<void> {
  const { response } = exchange;
  response.writeHead(reply.status ?? 200, {
    'content-type': 'text/event-stream; charset=utf-8',
    ...reply.headers,
  });
  const parts = typeof reply.body === 'string' ? [reply.body] : reply.body;
  const delay = reply.delayBetweenPartsMs ?? defaultDelayBetweenPartsMs;
  for (let index = 0; index < parts.length; index++) {
    if (index > 0 && delay > 0 && !(await exchange.sleep(delay))) return;
    if (!exchange.writable) return;
    response.write(parts[index] ?? '');
  }
  response.end();
}

/** Answers one request as a scripted reply says. */
export async function playReply(exchange: Exchange, reply: MockReply, context: PlayContext): Promise<void> {
  switch (reply.kind) {
    case 'chat':
    case 'echo': {
      const chat = resolveChatReply(reply, context.request, context.defaultStreamChunks);
      const rendered = context.protocol.renderChat(context.request, chat);
      return writeRenderedReply(exchange, rendered, {
        delayBetweenChunksMs: reply.delayBetweenChunksMs ?? 0,
      });
    }
    case 'error':
      return writeError(exchange, reply, context.protocol);
    case 'delay':
      if (await exchange.sleep(reply.ms)) return playReply(exchange, reply.then, context);
      return;
    case 'cut': {
      const inner = reply.reply ?? { kind: 'echo' };
      const chat = resolveChatReply(inner, context.request, context.defaultStreamChunks);
      const rendered = context.protocol.renderChat(context.request, chat);
      return writeRenderedReply(exchange, rendered, {
        delayBetweenChunksMs: inner.delayBetweenChunksMs ?? 0,
        cutAfter: reply.afterChunks,
      });
    }
    case 'reset':
      return exchange.resetConnection();
    case 'hang':
      return;
    case 'raw':
      return writeRaw(exchange, reply);
    default: {
      const unknownReply: never = reply;
      throw new Error(`unknown mock reply ${JSON.stringify(unknownReply)}`);
    }
  }
}
