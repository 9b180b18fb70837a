import type { ServerResponse } from 'node:http';
import type { UpstreamCall } from './upstream-call.ts';

/** Passes a client's disconnect through to whichever upstream call is current. */
export class ClientLink {
  gone = false;
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
