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
