import type { ServerResponse } from 'node:http';
import type { RelayReply } from '../http/relay-exchange.ts';
import type { GatewayError } from '../core/gateway-error.ts';
import type { ClientLink } from './client-link.ts';
import type { AttemptFailure, Taken, UpstreamAnswer } from './send-with-failover.ts';
import type { StreamGate } from './stream-gate.ts';
import type { BodySink } from './upstream-call.ts';
import { classifyUpstreamError } from './upstream-failure.ts';

/** What to send the client: bytes, text, or bytes in pieces (sent as they are, without a copy). */
export type StreamOutput = Buffer | string | readonly Buffer[] | undefined;

export interface StreamHandlers {
  /** Upstream bytes → what to send the client now (nothing yet: undefined). */
  chunk(bytes: Buffer): StreamOutput;
  /**
   * The upstream ended: what closes the client's stream. `lost`: the connection was lost after the
   * answer's finish (see `finished`), so bytes left without their frame's end are a frame cut short,
   * to be dropped rather than read.
   */
  end(lost?: boolean): StreamOutput;
  /**
   * A failure after the first byte: the client's error event. Undefined for a body that has no place
   * for one (audio): the connection is then dropped, so the client sees the answer is incomplete.
   */
  fail(error: GatewayError): string | undefined;
  /**
   * What broke the stream after its first content, inside the stream itself: the upstream's error
   * event (passed on to the client), or an end before the answer's (the client's error event is
   * added). The stream is then logged as failed and counts against the channel's health.
   */
  failure?(): GatewayError | undefined;
  /**
   * Whether the answer's finish has come (its finish reason): a connection lost after it — a reset
   * before `[DONE]` or `message_stop`, a stall — took nothing from the answer.
   */
  finished?(): boolean;
  /** Fed by `chunk` with the upstream's events until the first content. */
  gate: Pick<StreamGate, 'open' | 'error'>;
}

export interface StreamOutcome {
  status: number;
  errorCode: string | null;
  /** What broke the stream after its first byte, when something did. */
  failure?: string;
}

/** nginx's convention for "the client closed the request": logged, never sent. */
export const clientClosedStatus = 499;

/** Output held back while no content has come is bounded: past this, the stream is committed anyway. */
const maxHeldBytes = 64 * 1024;

const uncork = (response: ServerResponse) => response.uncork();

/** A stream the upstream broke after the client had its first bytes: logged as the gateway's 502. */
const brokenOutcome = (error: GatewayError): StreamOutcome => ({
  status: 502,
  errorCode: 'upstream_stream_error',
  failure: error.message,
});

/** Pieces of output as one: text when they are all text, bytes otherwise. */
function joinOutput(pieces: readonly (Buffer | string)[]): Buffer | string | undefined {
  if (pieces.length <= 1) return pieces[0];
  if (pieces.every((piece) => typeof piece === 'string')) return pieces.join('');
  return Buffer.concat(pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece)));
}

/**
 * An upstream stream that has started and is the client's, once `pipe` is called: what was held
 * back goes out with the response head, the rest follows as it arrives.
 */
export interface PrimedStream {
  pipe(reply: RelayReply, headers: Record<string, string>): Promise<StreamOutcome>;
}

/**
 * Reads an upstream stream until its first content, holding back what the handlers produce until
 * then, so that a failure before it — an error event, a reset, a stall — sends nothing to the client
 * and lets the next channel try. Resolves with the stream to pipe, or the attempt's failure.
 */
export function primeStream(
  answer: UpstreamAnswer,
  handlers: StreamHandlers,
  link: ClientLink,
): Promise<Taken<PrimedStream>> {
  return new StreamPump(answer, handlers, link).primed;
}

class StreamPump implements BodySink, PrimedStream {
  readonly primed: Promise<Taken<PrimedStream>>;
  #resolvePrimed!: (taken: Taken<PrimedStream>) => void;
  #resolveOutcome: ((outcome: StreamOutcome) => void) | undefined;
  /**
   * priming: reading, output held back; committed: the stream is the client's but `pipe` is not
   * called yet (output still held); flowing: piping; over: nothing more to do.
   */
  #phase: 'priming' | 'committed' | 'flowing' | 'over' = 'priming';
  #held: (Buffer | string)[] = [];
  #heldBytes = 0;
  #ended = false;
  #error: Error | undefined;
  #response: ServerResponse | undefined;

  constructor(
    private readonly answer: UpstreamAnswer,
    private readonly handlers: StreamHandlers,
    private readonly link: ClientLink,
  ) {
    this.primed = new Promise((resolve) => {
      this.#resolvePrimed = resolve;
    });
    answer.call.read(this);
  }

  chunk(bytes: Buffer): boolean {
    if (this.#phase === 'over') return true;
    const out = this.handlers.chunk(bytes);
    if (this.#phase === 'flowing') return this.#write(out);
    if (this.#phase === 'priming' && this.handlers.gate.error) {
      this.#failPrime({
        error: this.handlers.gate.error,
        outcome: 'stream_error',
        retryable: true,
        detail: this.handlers.gate.error.message,
      });
      return true;
    }
    this.#hold(out);
    if (this.#phase === 'priming' && (this.handlers.gate.open || this.#heldBytes > maxHeldBytes))
      this.#commit();
    return true;
  }

  end(): void {
    this.#end(false);
  }

  #end(lost: boolean): void {
    if (this.#phase === 'over') return;
    const rest = this.handlers.end(lost);
    if (this.#phase === 'flowing') {
      this.#finish(rest);
      return;
    }
    if (this.#phase === 'priming' && this.handlers.gate.error) {
      this.#failPrime({
        error: this.handlers.gate.error,
        outcome: 'stream_error',
        retryable: true,
        detail: this.handlers.gate.error.message,
      });
      return;
    }
    // A stream that ends without content (a refusal, an empty answer) is still the answer.
    this.#hold(rest);
    this.#ended = true;
    if (this.#phase === 'priming') this.#commit();
  }

  fail(error: Error): void {
    if (this.#phase === 'over') return;
    // After the answer's finish, the client's stream ends as it would have, and the request is a
    // success: an error event after a whole answer would make the client discard it.
    if (this.#phase !== 'priming' && !this.link.gone && this.handlers.finished?.()) {
      this.#end(true);
      return;
    }
    if (this.#phase === 'flowing') {
      this.#failFlowing(error);
      return;
    }
    if (this.#phase === 'committed') {
      this.#error = error;
      return;
    }
    // Nothing reached the client: whatever broke, another channel may do better.
    const failure = classifyUpstreamError(error);
    this.#failPrime({
      error: failure.error,
      outcome: this.link.gone ? this.link.goneOutcome : failure.kind,
      retryable: true,
      detail: failure.error.message,
    });
  }

  pipe(reply: RelayReply, headers: Record<string, string>): Promise<StreamOutcome> {
    reply.hijack();
    const response = reply.raw;
    this.#response = response;
    // Headers go out with the first bytes, in one write, as a bare proxy would send them. `headers`
    // may name another content type (audio).
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      ...headers,
    });
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    if (this.#ended) {
      // The whole stream came before the answer started (a short answer, a fast upstream): it goes
      // out as one piece with the response's end, instead of a piece per upstream read corked until
      // the next tick.
      this.#phase = 'flowing';
      return new Promise((resolve) => {
        this.#resolveOutcome = resolve;
        this.#finish(joinOutput(held));
      });
    }
    response.cork();
    for (const out of held) response.write(out);
    process.nextTick(uncork, response);
    return new Promise((resolve) => {
      this.#resolveOutcome = resolve;
      this.#phase = 'flowing';
      if (this.#ended) this.#finish(undefined);
      else if (this.#error) this.#failFlowing(this.#error);
    });
  }

  readonly #resume = () => this.answer.call.resume();

  #hold(out: StreamOutput): void {
    if (out === undefined) return;
    if (typeof out !== 'string' && !Buffer.isBuffer(out)) {
      for (const piece of out) this.#hold(piece);
      return;
    }
    if (out.length === 0) return;
    this.#held.push(out);
    this.#heldBytes += out.length;
  }

  #commit(): void {
    this.#phase = 'committed';
    this.#resolvePrimed({ ok: true, value: this });
  }

  #failPrime(failure: AttemptFailure): void {
    this.#phase = 'over';
    this.#held = [];
    this.answer.call.abort(new Error('the upstream stream failed before its first content'));
    this.#resolvePrimed({ ok: false, failure });
  }

  #write(out: StreamOutput): boolean {
    const response = this.#response!;
    if (out === undefined || out.length === 0) return true;
    if (!response.writableCorked) {
      response.cork();
      process.nextTick(uncork, response);
    }
    let flowing = true;
    if (typeof out === 'string' || Buffer.isBuffer(out)) flowing = response.write(out);
    else for (const piece of out) flowing = response.write(piece) && flowing;
    if (flowing) return true;
    response.once('drain', this.#resume);
    return false;
  }

  #finish(rest: StreamOutput): void {
    this.#phase = 'over';
    const response = this.#response!;
    if (rest !== undefined && typeof rest !== 'string' && !Buffer.isBuffer(rest)) {
      for (const piece of rest) response.write(piece);
      response.end();
    } else {
      response.end(rest === undefined || rest.length === 0 ? undefined : rest);
    }
    const failure = this.handlers.failure?.();
    this.#resolveOutcome?.(failure === undefined ? { status: 200, errorCode: null } : brokenOutcome(failure));
  }

  #failFlowing(error: Error): void {
    this.#phase = 'over';
    // An error event the client already had (and may have left on) is what broke the stream.
    const earlier = this.handlers.failure?.();
    if (this.link.gone) {
      this.#resolveOutcome?.(
        earlier ? brokenOutcome(earlier) : { status: clientClosedStatus, errorCode: 'client_closed' },
      );
      return;
    }
    const { error: gatewayError } = classifyUpstreamError(error);
    const tail = this.handlers.fail(gatewayError);
    if (tail === undefined) this.#response!.destroy();
    else this.#response!.end(tail);
    this.#resolveOutcome?.(brokenOutcome(earlier ?? gatewayError));
  }
}
