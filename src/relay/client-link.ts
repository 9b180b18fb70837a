import type { ServerResponse } from 'node:http';
import type { UpstreamCall } from './upstream-call.ts';

/**
 * Passes a client's disconnect through to whichever upstream call is current, and the gateway's own
 * change of mind (`cancel`): either way the answer is no longer wanted.
 */
export class ClientLink {
  /** The client left, or the request was cancelled: no upstream answer is wanted any more. */
  gone = false;
  /** Why it is gone, as an upstream attempt cut short by it is logged. */
  goneOutcome: 'client_closed' | 'cancelled' = 'client_closed';
  #call: UpstreamCall | undefined;
  #wake: (() => void) | undefined;

  constructor(private readonly response: ServerResponse) {
    response.once('close', this.#onClose);
  }

  attach(call: UpstreamCall): void {
    this.#call = call;
    if (this.gone) call.abort(new Error('client disconnected'));
  }

  /** Waits `ms` between two attempts, or less if the client leaves meanwhile. */
  pause(ms: number): Promise<void> {
    if (this.gone || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  /**
   * The answer is not wanted after all (the limiter refused the request while it was already on its
   * way upstream): the current upstream call is aborted and no other is made, as if the client had
   * left, though it is still there to be told why.
   */
  cancel(): void {
    if (this.gone) return;
    this.gone = true;
    this.goneOutcome = 'cancelled';
    this.#call?.abort(new Error('the request was refused while upstream'));
    this.#wake?.();
  }

  release(): void {
    this.response.off('close', this.#onClose);
  }

  readonly #onClose = (): void => {
    if (this.response.writableFinished) return;
    this.gone = true;
    this.#call?.abort(new Error('client disconnected'));
    this.#wake?.();
  };
}
