import type { CapturedBody, LogBodies } from '../store/request-log-entry.ts';

/** `bytes` without a UTF-8 sequence cut short at its end (so a cut never decodes to U+FFFD). */
function wholeCharacters(bytes: Buffer): Buffer {
  let start = bytes.length - 1;
  // Back over continuation bytes (10xxxxxx) to the last sequence's lead byte.
  while (start > 0 && start > bytes.length - 4 && (bytes[start]! & 0xc0) === 0x80) start--;
  const lead = bytes[start];
  if (lead === undefined || lead < 0xc0) return bytes;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return bytes.length - start < length ? bytes.subarray(0, start) : bytes;
}

/** Bytes kept up to a limit, and the count of all that was offered. */
class BoundedBytes {
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  #total = 0;

  constructor(private readonly maxBytes: number) {}

  add(data: Buffer | string): void {
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    this.#total += bytes;
    const room = this.maxBytes - this.#kept;
    if (room <= 0 || bytes === 0) return;
    const buffer = typeof data === 'string' ? Buffer.from(data) : data;
    const kept = buffer.length <= room ? buffer : buffer.subarray(0, room);
    this.#chunks.push(kept);
    this.#kept += kept.length;
  }

  body(): CapturedBody {
    const kept = Buffer.concat(this.#chunks, this.#kept);
    return {
      text: (this.#total > this.#kept ? wholeCharacters(kept) : kept).toString('utf8'),
      bytes: this.#total,
      truncated: this.#total > this.#kept,
    };
  }
}

/**
 * One request's bodies for its log row, each cut at the operator's size limit: the client's request
 * as received, and the response as sent to the client. Exists only when the operator keeps bodies.
 */
export class LogBodyCapture {
  readonly #request: CapturedBody;
  #response: BoundedBytes | undefined;

  constructor(
    private readonly maxBytes: number,
    request: Buffer,
  ) {
    const bounded = new BoundedBytes(maxBytes);
    bounded.add(request);
    this.#request = bounded.body();
  }

  /** A whole response, sent as one body. */
  setResponse(body: Buffer | string): void {
    this.#response = new BoundedBytes(this.maxBytes);
    this.#response.add(body);
  }

  /** Starts a streamed response afresh (a new attempt's) and returns what appends to it. */
  streamResponse(): (out: Buffer | string | readonly Buffer[] | undefined) => void {
    const response = new BoundedBytes(this.maxBytes);
    this.#response = response;
    return (out) => {
      if (out === undefined) return;
      if (typeof out === 'string' || Buffer.isBuffer(out)) response.add(out);
      else for (const piece of out) response.add(piece);
    };
  }

  /** Forgets a response that never reached the client (an attempt that failed over). */
  discardResponse(): void {
    this.#response = undefined;
  }

  bodies(): LogBodies {
    return { request: this.#request, response: this.#response?.body() ?? null };
  }
}
