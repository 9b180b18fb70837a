import type { Exchange } from './exchange.ts';
import type { RenderedReply } from './mock-protocol.ts';

export interface WriteOptions {
  delayBetweenChunksMs: number;
  /** Cut the connection after this many SSE frames (or, for a body, after half of it). */
  cutAfter?: number;
}

function writeBody(
  exchange: Exchange,
  reply: Extract<RenderedReply, { type: 'body' }>,
  cutAfter?: number,
): void {
  const { response } = exchange;
  const length = Buffer.byteLength(reply.body);
  response.writeHead(reply.status, { ...reply.headers, 'content-length': String(length) });
  if (cutAfter === undefined) {
    response.end(reply.body);
    return;
  }
  if (cutAfter > 0) response.write(Buffer.from(reply.body).subarray(0, Math.floor(length / 2)));
  else response.flushHeaders();
  exchange.cutConnection();
}

async function writeStream(
  exchange: Exchange,
  reply: Extract<RenderedReply, { type: 'stream' }>,
  options: WriteOptions,
): Promise<void> {
  const { response } = exchange;
  const { frames } = reply;
  response.writeHead(reply.status, reply.headers);
  // A cut never sends the last frame, so the stream is incomplete however late it comes.
  const count =
    options.cutAfter === undefined
      ? frames.length
      : Math.max(0, Math.min(options.cutAfter, frames.length - 1));
  if (options.delayBetweenChunksMs <= 0) {
    // The fast path of throughput benchmarks: the whole stream in one write.
    const data = count === frames.length ? frames.join('') : frames.slice(0, count).join('');
    if (options.cutAfter === undefined) response.end(data);
    else {
      if (data.length > 0) response.write(data);
      else response.flushHeaders();
      exchange.cutConnection();
    }
    return;
  }
  for (let index = 0; index < count; index++) {
    if (index > 0 && !(await exchange.sleep(options.delayBetweenChunksMs))) return;
    if (!exchange.writable) return;
    response.write(frames[index]);
  }
  if (options.cutAfter === undefined) response.end();
  else {
    if (count === 0) response.flushHeaders();
    exchange.cutConnection();
  }
}

/**
 * A binary body in its chunks, each its own write (`delayBetweenChunksMs` apart); a cut sends the
 * first `cutAfter` of them (never all) and closes the connection.
 */
async function writeBinary(
  exchange: Exchange,
  reply: Extract<RenderedReply, { type: 'binary' }>,
  options: WriteOptions,
): Promise<void> {
  const { response } = exchange;
  const { chunks } = reply;
  response.writeHead(reply.status, reply.headers);
  const count =
    options.cutAfter === undefined
      ? chunks.length
      : Math.max(0, Math.min(options.cutAfter, chunks.length - 1));
  for (let index = 0; index < count; index++) {
    if (
      index > 0 &&
      options.delayBetweenChunksMs > 0 &&
      !(await exchange.sleep(options.delayBetweenChunksMs))
    )
      return;
    if (!exchange.writable) return;
    response.write(chunks[index]);
  }
  if (options.cutAfter === undefined) response.end();
  else {
    if (count === 0) response.flushHeaders();
    exchange.cutConnection();
  }
}

/** Writes a protocol's rendered reply: a whole body, SSE frames or binary chunks, paced and possibly cut. */
export async function writeRenderedReply(
  exchange: Exchange,
  reply: RenderedReply,
  options: WriteOptions,
): Promise<void> {
  if (reply.type === 'body') writeBody(exchange, reply, options.cutAfter);
  else if (reply.type === 'binary') await writeBinary(exchange, reply, options);
  else await writeStream(exchange, reply, options);
}
