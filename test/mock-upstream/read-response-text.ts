/**
 * Test helpers: read a response body to its end or to the point the connection broke, and cut SSE
 * text into frames.
 */

export interface ResponseText {
  text: string;
  /** Set when the body ended with an error (e.g. the connection was cut) instead of normally. */
  error: unknown;
  /** The body as the client's reads delivered it. */
  reads: string[];
}

export async function readResponseText(response: Response): Promise<ResponseText> {
  const reads: string[] = [];
  const decoder = new TextDecoder();
  const reader = response.body?.getReader();
  if (reader === undefined) return { text: '', error: undefined, reads };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      reads.push(decoder.decode(value, { stream: true }));
    }
    return { text: reads.join(''), error: undefined, reads };
  } catch (error) {
    return { text: reads.join(''), error, reads };
  }
}

/** The `data:` payloads of an SSE text whose frames are exactly `data: …\n\n`; throws on anything else. */
export function splitSseData(text: string): string[] {
  const frames = text.split('\n\n');
  if (frames.pop() !== '')
    throw new Error(`SSE text does not end with a blank line: ${JSON.stringify(text)}`);
  return frames.map((frame) => {
    if (!frame.startsWith('data: ') || frame.includes('\n')) throw new Error(`unexpected SSE frame ${frame}`);
    return frame.slice('data: '.length);
  });
}

export interface SseEvent {
  /** The `event:` line's value; undefined for a frame that is only `data:`. */
  event: string | undefined;
  data: string;
}

/**
 * The events of an SSE text whose frames are exactly `[event: X<eol>]data: …<eol><eol>`, with
 * `<eol>` `\n` (Anthropic, OpenAI) or `\r\n` (Google); throws on anything else, a stray CR or LF
 * included.
 */
export function splitSseEvents(text: string, eol: '\n' | '\r\n' = '\n'): SseEvent[] {
  const frames = text.split(eol + eol);
  if (frames.pop() !== '')
    throw new Error(`SSE text does not end with a blank line: ${JSON.stringify(text)}`);
  return frames.map((frame) => {
    const lines = frame.split(eol);
    if (lines.some((line) => /[\r\n]/.test(line)))
      throw new Error(`stray line break in ${JSON.stringify(frame)}`);
    const [first = '', second] = lines;
    if (lines.length === 1 && first.startsWith('data: ')) return { event: undefined, data: first.slice(6) };
    if (lines.length === 2 && first.startsWith('event: ') && second?.startsWith('data: ') === true) {
      return { event: first.slice('event: '.length), data: second.slice('data: '.length) };
    }
    throw new Error(`unexpected SSE frame ${JSON.stringify(frame)}`);
  });
}
