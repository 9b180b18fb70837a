import type { Usage } from '../../core/usage.ts';
import { findOpenAiUsage, USAGE_KEY_TAIL, usageObjectAt } from './find-openai-usage.ts';
import { readOpenAiUsage } from './read-openai-usage.ts';

const LF = 0x0a;
const CR = 0x0d;

/** How a chunk ends when it was asked for usage and carries none (OpenAI's order: usage last). */
const noUsageEnding = Buffer.from('"usage":null}');
const dataObject = Buffer.from('data: {');
/** A data frame whose object opens with an `error` key: OpenAI's mid-stream error. */
const errorObject = Buffer.from('data: {"error"');
const doneFrame = Buffer.from('data: [DONE]');
const NOT_SEARCHED = -2;

/** Index just past the blank line that ends the frame starting at `start`, or -1 if it is not complete. */
function frameEnd(buffer: Buffer, start: number): number {
  // A newline is rare in SSE payloads (JSON escapes it), so this is a memchr per line.
  for (let lf = buffer.indexOf(LF, start); lf >= 0; lf = buffer.indexOf(LF, lf + 1)) {
    const next = buffer[lf + 1];
    if (next === LF) return lf + 2;
    if (next === CR && buffer[lf + 2] === LF) return lf + 3;
    if (next === undefined || (next === CR && lf + 2 >= buffer.length)) return -1;
  }
  return -1;
}

/** Whether `buffer` has `pattern` at `at` (compared in JS: a native call costs more for a few bytes). */
function hasAt(buffer: Buffer, pattern: Buffer, at: number): boolean {
  if (at < 0 || at + pattern.length > buffer.length) return false;
  for (let index = 0; index < pattern.length; index++) {
    if (buffer[at + index] !== pattern[index]) return false;
  }
  return true;
}

const CHOICES_TAIL = Buffer.from('choices"');

/** Whether a chunk's bytes say `"choices": []` (the usage-only chunk). */
function hasEmptyChoices(frame: Buffer): boolean {
  for (let at = frame.indexOf(CHOICES_TAIL); at >= 0; at = frame.indexOf(CHOICES_TAIL, at + 1)) {
    if (frame[at - 1] !== 0x22) continue;
    let next = at + CHOICES_TAIL.length;
    const skipSpaces = () => {
      while (frame[next] === 0x20) next++;
    };
    skipSpaces();
    if (frame[next++] !== 0x3a) continue;
    skipSpaces();
    if (frame[next++] !== 0x5b) continue;
    skipSpaces();
    return frame[next] === 0x5d;
  }
  return false;
}

/** The JSON payload of an SSE frame: its `data:` lines joined by newlines. */
export function frameData(frame: string): string {
  let data = '';
  for (const line of frame.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const value = line.charCodeAt(5) === 0x20 ? line.slice(6) : line.slice(5);
    data = data === '' ? value : `${data}\n${value}`;
  }
  return data;
}

/**
 * Sees each complete frame of the stream while it returns true: the relay watches the first frames
 * (until the first content) this way, without splitting the bytes a second time.
 */
export type FrameWatcher = (frame: Buffer) => boolean;

/**
 * The same-format fast path's view of an OpenAI SSE stream. Upstream bytes pass through unchanged,
 * released frame by frame; only frames that carry a usage object are parsed. When the gateway itself
 * asked for usage (`stream_options.include_usage`) and the client did not, the usage-only chunk
 * (`choices: []`) is withheld, since OpenAI clients that did not ask for it do not expect it.
 *
 * The bytes are walked frame by frame (a memchr per line) rather than searched for `"usage"` whole:
 * JSON has a quote every few bytes, which makes a search for a quoted key cost ~3 µs per 5 KB, and a
 * chunk that ends `"usage":null}` is known to carry none without a search.
 */
export class OpenAiStreamTap {
  usage: Usage | undefined;
  /** Data frames with a JSON object passed to the client: about one token each, for estimates. */
  frames = 0;
  #pending: Buffer | undefined;
  #watcher: FrameWatcher | undefined;
  /**
   * Where the next usage object's key (its `usage"`) is in the buffer being walked: -1 nowhere
   * further, NOT_SEARCHED before the first search.
   */
  #usageAt = NOT_SEARCHED;
  /** `data: [DONE]` came: the upstream said the stream is over. */
  done = false;
  /** The first mid-stream error frame passed to the client, when one was. */
  #errorFrame: Buffer | undefined;
  // The last two data frames passed to the client, each as its buffer and bounds (no copy per frame):
  // without `[DONE]`, they tell whether the answer finished (see lastData).
  #lastBuffer: Buffer | undefined;
  #lastStart = 0;
  #lastEnd = 0;
  #previousBuffer: Buffer | undefined;
  #previousStart = 0;
  #previousEnd = 0;

  constructor(
    private readonly withholdUsageChunk: boolean,
    watcher?: FrameWatcher,
  ) {
    this.#watcher = watcher;
  }

  /**
   * Feeds upstream bytes; returns the bytes to send to the client now (complete frames only), in
   * pieces around a withheld frame rather than copied together.
   */
  push(chunk: Buffer): Buffer | Buffer[] | undefined {
    const buffer = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#usageAt = NOT_SEARCHED;
    let out: Buffer[] | undefined;
    let copiedUpTo = 0;
    let start = 0;
    for (let end = frameEnd(buffer, 0); end >= 0; end = frameEnd(buffer, start)) {
      if (this.#frame(buffer, start, end)) {
        (out ??= []).push(buffer.subarray(copiedUpTo, start));
        copiedUpTo = end;
      }
      start = end;
    }
    this.#pending = start < buffer.length ? buffer.subarray(start) : undefined;
    if (start === 0) return undefined;
    if (out === undefined) return start === buffer.length ? buffer : buffer.subarray(0, start);
    out.push(buffer.subarray(copiedUpTo, start));
    return out.filter((piece) => piece.length > 0);
  }

  /** The upstream ended: whatever is left (a final frame without its blank line). */
  end(): Buffer | undefined {
    const rest = this.#pending;
    this.#pending = undefined;
    if (rest === undefined || rest.length === 0) return undefined;
    this.#usageAt = NOT_SEARCHED;
    return this.#frame(rest, 0, rest.length) ? undefined : rest;
  }

  /** Looks at one frame; true when it is to be withheld. */
  #frame(buffer: Buffer, start: number, end: number): boolean {
    if (this.#watcher && !this.#watcher(buffer.subarray(start, end))) this.#watcher = undefined;
    let withheld = false;
    if (this.#mayHoldUsage(buffer, start, end)) {
      withheld = this.#readFrame(buffer, start, end) && this.withholdUsageChunk;
    }
    if (withheld) return true;
    if (hasAt(buffer, dataObject, start)) {
      this.frames += 1;
      if (this.#errorFrame === undefined && hasAt(buffer, errorObject, start)) {
        this.#errorFrame = buffer.subarray(start, end);
      }
      this.#remember(buffer, start, end);
    } else if (hasAt(buffer, doneFrame, start)) {
      this.done = true;
    } else {
      this.#otherFrame(buffer, start, end);
    }
    return false;
  }

  /**
   * A frame not written `data: {…}` or `data: [DONE]` — `data:{…}` without the space, or with an
   * `event:` or `id:` line first, all valid SSE — read through its data lines (rare: OpenAI's own
   * frames are all of the first kind). Comments and keep-alives carry no data.
   */
  #otherFrame(buffer: Buffer, start: number, end: number): void {
    const data = frameData(buffer.toString('utf8', start, end));
    if (data === '[DONE]') {
      this.done = true;
      return;
    }
    if (!data.startsWith('{')) return;
    this.frames += 1;
    if (this.#errorFrame === undefined && /^\{\s*"error"/.test(data)) {
      this.#errorFrame = buffer.subarray(start, end);
    }
    this.#remember(buffer, start, end);
  }

  #remember(buffer: Buffer, start: number, end: number): void {
    this.#previousBuffer = this.#lastBuffer;
    this.#previousStart = this.#lastStart;
    this.#previousEnd = this.#lastEnd;
    this.#lastBuffer = buffer;
    this.#lastStart = start;
    this.#lastEnd = end;
  }

  /** The JSON of the first mid-stream error frame passed to the client, when one was. */
  errorData(): string | undefined {
    return this.#errorFrame === undefined ? undefined : frameData(this.#errorFrame.toString('utf8'));
  }

  /**
   * The JSON of the last (at most two) data frames passed to the client, oldest first: where an
   * upstream that sends no `[DONE]` put its finish reason (the usage chunk may follow it).
   */
  lastData(): string[] {
    const data: string[] = [];
    if (this.#previousBuffer !== undefined) {
      data.push(frameData(this.#previousBuffer.toString('utf8', this.#previousStart, this.#previousEnd)));
    }
    if (this.#lastBuffer !== undefined) {
      data.push(frameData(this.#lastBuffer.toString('utf8', this.#lastStart, this.#lastEnd)));
    }
    return data;
  }

  #mayHoldUsage(buffer: Buffer, start: number, end: number): boolean {
    let last = end - 1;
    while (last > start && (buffer[last] === LF || buffer[last] === CR)) last--;
    const endingAt = last + 1 - noUsageEnding.length;
    if (endingAt >= start && hasAt(buffer, noUsageEnding, endingAt)) return false;
    // Searched for once per buffer walked, from frame to frame, never twice; without its opening
    // quote (see findOpenAiUsage), each hit checked to be the key of an object. A quote inside a JSON
    // string is escaped, so those bytes are always a key.
    let at = this.#usageAt;
    if (at === NOT_SEARCHED || (at !== -1 && at < start)) {
      at = buffer.indexOf(USAGE_KEY_TAIL, start);
      while (at >= 0 && usageObjectAt(buffer, at) < 0) at = buffer.indexOf(USAGE_KEY_TAIL, at + 1);
      this.#usageAt = at;
    }
    return at >= start && at < end;
  }

  /** Reads a frame's usage; true when the frame is the usage-only chunk. */
  #readFrame(buffer: Buffer, start: number, end: number): boolean {
    // The usage object alone, found by its bytes (see findOpenAiUsage), or else the whole chunk.
    const frame = buffer.subarray(start, end);
    const usage = findOpenAiUsage(frame);
    if (usage !== undefined) {
      this.usage = usage;
      return hasEmptyChoices(frame);
    }
    try {
      const chunk = JSON.parse(frameData(frame.toString('utf8'))) as { usage?: unknown; choices?: unknown };
      this.usage = readOpenAiUsage(chunk.usage) ?? this.usage;
      return Array.isArray(chunk.choices) && chunk.choices.length === 0;
    } catch {
      return false;
    }
  }
}
