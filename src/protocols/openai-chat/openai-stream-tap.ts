import type { Usage } from '../../core/usage.ts';
import { readOpenAiUsage } from './read-openai-usage.ts';

// Usage objects as providers serialise them; `"usage":null` (on every chunk when usage was asked
// for) matches neither, so the scan does no work per ordinary frame.
const usagePatterns = [Buffer.from('"usage":{'), Buffer.from('"usage": {')];

/** Index just past the last blank line (end of the last complete SSE frame) in `buffer`, or 0. */
function endOfLastFrame(buffer: Buffer): number {
  const lf = buffer.lastIndexOf('\n\n');
  const crlf = buffer.lastIndexOf('\n\r\n');
  return Math.max(lf < 0 ? 0 : lf + 2, crlf < 0 ? 0 : crlf + 3);
}

/** Start of the frame that contains `position`: just past the previous blank line. */
function startOfFrame(buffer: Buffer, position: number): number {
  const lf = buffer.lastIndexOf('\n\n', position);
  const crlf = buffer.lastIndexOf('\n\r\n', position);
  return Math.max(lf < 0 ? 0 : lf + 2, crlf < 0 ? 0 : crlf + 3);
}

/** End of the frame that contains `position`: just past its blank line. */
function endOfFrame(buffer: Buffer, position: number, limit: number): number {
  const lf = buffer.indexOf('\n\n', position);
  const crlf = buffer.indexOf('\n\r\n', position);
  const candidates = [lf < 0 ? limit : lf + 2, crlf < 0 ? limit : crlf + 3];
  return Math.min(limit, ...candidates);
}

/** The JSON payload of an SSE frame: its `data:` lines joined by newlines. */
function frameData(frame: string): string {
  let data = '';
  for (const line of frame.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const value = line.charCodeAt(5) === 0x20 ? line.slice(6) : line.slice(5);
    data = data === '' ? value : `${data}\n${value}`;
  }
  return data;
}

/**
 * The same-format fast path's view of an OpenAI SSE stream. Upstream bytes pass through unchanged,
 * released frame by frame; only frames that carry a usage object are parsed. When the gateway itself
 * asked for usage (`stream_options.include_usage`) and the client did not, the usage-only chunk
 * (`choices: []`) is withheld, since OpenAI clients that did not ask for it do not expect it.
 */
export class OpenAiStreamTap {
  usage: Usage | undefined;
  #pending: Buffer | undefined;

  constructor(private readonly withholdUsageChunk: boolean) {}

  /** Feeds upstream bytes; returns the bytes to send to the client now (complete frames only). */
  push(chunk: Buffer): Buffer | undefined {
    const buffer = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    const end = endOfLastFrame(buffer);
    this.#pending = end < buffer.length ? buffer.subarray(end) : undefined;
    if (end === 0) return undefined;
    return this.#scan(buffer, end);
  }

  /** The upstream ended: whatever is left (a final frame without its blank line). */
  end(): Buffer | undefined {
    const rest = this.#pending;
    this.#pending = undefined;
    return rest && rest.length > 0 ? this.#scan(rest, rest.length) : undefined;
  }

  #scan(buffer: Buffer, end: number): Buffer {
    const frames: [number, number][] = [];
    for (const pattern of usagePatterns) {
      let from = 0;
      for (;;) {
        const found = buffer.indexOf(pattern, from);
        if (found < 0 || found >= end) break;
        const frameEnd = endOfFrame(buffer, found, end);
        frames.push([startOfFrame(buffer, found), frameEnd]);
        from = frameEnd;
      }
    }
    if (frames.length === 0) return end === buffer.length ? buffer : buffer.subarray(0, end);
    frames.sort((a, b) => a[0] - b[0]);
    const out: Buffer[] = [];
    let copiedUpTo = 0;
    for (const [frameStart, frameEnd] of frames) {
      if (frameStart < copiedUpTo) continue;
      const chunk = this.#readFrame(buffer.toString('utf8', frameStart, frameEnd));
      if (chunk.usageOnly && this.withholdUsageChunk) {
        out.push(buffer.subarray(copiedUpTo, frameStart));
        copiedUpTo = frameEnd;
      }
    }
    if (copiedUpTo === 0) return end === buffer.length ? buffer : buffer.subarray(0, end);
    out.push(buffer.subarray(copiedUpTo, end));
    return Buffer.concat(out);
  }

  #readFrame(frame: string): { usageOnly: boolean } {
    try {
      const chunk = JSON.parse(frameData(frame)) as { usage?: unknown; choices?: unknown };
      this.usage = readOpenAiUsage(chunk.usage) ?? this.usage;
      return { usageOnly: Array.isArray(chunk.choices) && chunk.choices.length === 0 };
    } catch {
      return { usageOnly: false };
    }
  }
}
