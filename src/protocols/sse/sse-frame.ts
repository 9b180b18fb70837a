/**
 * One SSE frame. `data` is JSON (no raw newlines), so one `data:` line suffices; an event name
 * with CR or LF would let a value inject frames, so it is refused.
 */
export function sseFrame(data: string, event?: string): string {
  if (event === undefined) return `data: ${data}\n\n`;
  if (/[\r\n]/.test(event)) throw new Error('SSE event names cannot contain line breaks');
  return `event: ${event}\ndata: ${data}\n\n`;
}
