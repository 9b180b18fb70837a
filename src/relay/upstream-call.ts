import type { Dispatcher } from 'undici';

type Headers = Record<string, string | string[] | undefined>;

/** Where an upstream body goes, chunk by chunk. */
export interface BodySink {
  /** Returns false to pause the upstream until `UpstreamCall.resume()`. */
  chunk(chunk: Buffer): boolean;
  end(): void;
  fail(error: Error): void;
}

/**
 * One upstream exchange, driven by undici's dispatch handler interface: no Readable, no async
 * iterator, no per-chunk promise. The body is pushed straight into a sink, with backpressure
 * through pause/resume. This is what keeps the relay close to a bare proxy.
 */
export class UpstreamCall implements Dispatcher.DispatchHandler {
  status = 0;
  headers: Headers = {};
  /** Resolves when the response headers arrive; rejects if the exchange fails before that. */
  readonly responded: Promise<UpstreamCall>;

  #controller: Dispatcher.DispatchController | undefined;
  #abortReason: Error | undefined;
  #resolve!: (call: UpstreamCall) => void;
  #reject!: (error: Error) => void;
  #started = false;
  #sink: BodySink | undefined;
  #buffered: Buffer[] = [];
  #ended = false;
  #error: Error | undefined;

  constructor() {
    this.responded = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Hands the body to `sink`; chunks that arrived before are delivered first. */
  read(sink: BodySink): void {
    this.#sink = sink;
    const buffered = this.#buffered;
    this.#buffered = [];
    for (const chunk of buffered) sink.chunk(chunk);
    if (this.#error) sink.fail(this.#error);
    else if (this.#ended) sink.end();
  }

  /** The whole body. */
  buffer(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      this.read({
        chunk: (chunk) => chunks.push(chunk) > 0,
        end: () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)),
        fail: reject,
      });
    });
  }

  resume(): void {
    this.#controller?.resume();
  }

  abort(reason: Error): void {
    if (this.#ended || this.#error) return;
    this.#abortReason ??= reason;
    this.#controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason) controller.abort(this.#abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Headers): void {
    this.status = statusCode;
    this.headers = headers;
    this.#started = true;
    this.#resolve(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.#sink) {
      this.#buffered.push(chunk);
      return;
    }
    if (!this.#sink.chunk(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.#ended = true;
    this.#sink?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#error = error;
    if (!this.#started) this.#reject(error);
    else this.#sink?.fail(error);
  }
}
