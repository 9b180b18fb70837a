import type { LogBodyCapture } from '../observability/log-body-capture.ts';
import type { StreamHandlers } from './relay-stream.ts';

/**
 * The same stream handlers, with everything they give the client also kept for the log (bounded by
 * the capture's size limit). Used only when the operator keeps bodies; otherwise the handlers run bare.
 */
export function captureStream(handlers: StreamHandlers, capture: LogBodyCapture): StreamHandlers {
  const keep = capture.streamResponse();
  return {
    ...handlers,
    chunk: (bytes) => {
      const out = handlers.chunk(bytes);
      keep(out);
      return out;
    },
    end: () => {
      const out = handlers.end();
      keep(out);
      return out;
    },
    fail: (error) => {
      const out = handlers.fail(error);
      keep(out);
      return out;
    },
  };
}
