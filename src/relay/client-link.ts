import type { ServerResponse } from 'node:http';
import type { UpstreamCall } from './upstream-call.ts';

/** Passes a client's disconnect through to whichever upstream call is current. */
export class ClientLink {
  gone = false;
  #call: UpstreamCall | undefined;

  constructor(private readonly response: ServerResponse) {
    response.once('close', this.#onClose);
  }

  attach(call: UpstreamCall): void {
    this.#call = call;
    if (this.gone) call.abort(new Error('client disconnected'));
  }

  release(): void {
    this.response.off('close', this.#onClose);
  }

  readonly #onClose = (): void => {
    if (this.response.writableFinished) return;
    this.gone = true;
    this.#call?.abort(new Error('client disconnected'));
  };
}
