import type { StreamHandlers } from './relay-stream.ts';

/**
 * Handlers for an audio body relayed as it arrives: the bytes pass unchanged, the first non-empty
 * chunk commits the stream to the client (an upstream that fails before it lets another channel
 * answer), and a failure after it drops the connection, as audio has no place for an error event.
 */
export function audioStreamHandlers(): StreamHandlers {
  const gate: StreamHandlers['gate'] = { open: false, error: undefined };
  return {
    gate,
    chunk(bytes) {
      if (bytes.length > 0) gate.open = true;
      return bytes;
    },
    end: () => undefined,
    fail: () => undefined,
  };
}
