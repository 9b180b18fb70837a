import type { Exchange } from './exchange.ts';
import type { ChatRequestView, MockProtocol, RenderedReply, RequestProblem } from './mock-protocol.ts';
import type { ChatReply, EchoReply, ErrorReply, MockReply, RawReply } from './mock-reply.ts';
import { resolveChatReply } from './resolve-chat-reply.ts';
import { writeRenderedReply } from './write-rendered-reply.ts';

export interface PlayContext {
  protocol: MockProtocol;
  request: ChatRequestView;
  defaultStreamChunks: number;
}

const defaultDelayBetweenPartsMs = 2;

function writeError(
  exchange: Exchange,
  reply: Pick<ErrorReply, 'status' | 'body' | 'headers'>,
  protocol: MockProtocol,
): void {
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
  if (reply.reset) {
    // After what was written has gone out, so the client reads it before the reset.
    await exchange.sleep(delay > 0 ? delay : defaultDelayBetweenPartsMs);
    response.socket?.destroy();
    return;
  }
  response.end();
}

/** The completion for a `chat` or `echo` reply, failing mid-stream when the reply says so. */
function renderCompletion(reply: ChatReply | EchoReply, context: PlayContext): RenderedReply {
  const request =
    reply.kind === 'chat' && reply.answerWhole ? { ...context.request, stream: false } : context.request;
  const chat = resolveChatReply(reply, request, context.defaultStreamChunks);
  const rendered = context.protocol.renderChat(request, chat);
  const errorAfter = reply.streamErrorAfterChunks;
  const endAfter = reply.streamEndAfterChunks;
  if ((errorAfter === undefined && endAfter === undefined) || rendered.type !== 'stream') return rendered;
  // Like a cut, the error or the end always comes before the stream's last frame.
  const kept = (after: number) => Math.max(0, Math.min(Math.floor(after), rendered.frames.length - 1));
  if (errorAfter === undefined) return { ...rendered, frames: rendered.frames.slice(0, kept(endAfter!)) };
  const frames = rendered.frames.slice(0, kept(errorAfter));
  frames.push(context.protocol.streamErrorFrame(context.request));
  return { ...rendered, frames };
}

/** A request the real API would refuse gets the API's error, not the scripted completion. */
function writeProblem(exchange: Exchange, problem: RequestProblem, protocol: MockProtocol): void {
  writeError(exchange, { status: problem.status, body: problem.body }, protocol);
}

/** Answers one request as a scripted reply says. */
export async function playReply(exchange: Exchange, reply: MockReply, context: PlayContext): Promise<void> {
  switch (reply.kind) {
    case 'chat':
    case 'echo': {
      if (context.request.problem !== undefined) {
        return writeProblem(exchange, context.request.problem, context.protocol);
      }
      return writeRenderedReply(exchange, renderCompletion(reply, context), {
        delayBetweenChunksMs: reply.delayBetweenChunksMs ?? 0,
      });
    }
    case 'error':
      return writeError(exchange, reply, context.protocol);
    case 'delay':
      if (await exchange.sleep(reply.ms)) return playReply(exchange, reply.then, context);
      return;
    case 'cut': {
      if (context.request.problem !== undefined) {
        return writeProblem(exchange, context.request.problem, context.protocol);
      }
      const inner = reply.reply ?? { kind: 'echo' };
      return writeRenderedReply(exchange, renderCompletion(inner, context), {
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
