import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One request and its response, with what the abort count needs: whether the connection closed,
 * and whether the mock closed it on purpose (a scripted fault) rather than the client leaving.
 */
export class Exchange {
  closed = false;
  closedByMock = false;

  constructor(
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
  ) {
    response.once('close', () => {
      this.closed = true;
    });
  }

  /** The client is still there and the response is not finished. */
  get writable(): boolean {
    return !this.closed && !this.response.writableEnded;
  }

  /** Closes the connection at once, dropping anything unsent. */
  resetConnection(): void {
    this.closedByMock = true;
    this.request.socket.destroy();
  }

  /** Closes the connection once what was written so far has been flushed: a stream cut mid-way. */
  cutConnection(): void {
    this.closedByMock = true;
    const socket = this.request.socket;
    socket.end(() => socket.destroy());
  }

  /** Resolves `true` after `ms`, or `false` as soon as the connection closes. */
  sleep(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onClose = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.response.off('close', onClose);
        resolve(!this.closed);
      }, ms);
      this.response.once('close', onClose);
    });
  }
}
