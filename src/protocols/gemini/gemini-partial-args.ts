import { isRecord } from '../request-checks.ts';

type PathSegment = string | number;

const maxArrayIndex = 100_000;

/**
 * `$.operations[0].action`, `$.id`, `$['odd key']` as path segments; undefined if it is not a
 * path we can follow.
 */
export function parseJsonPath(path: string): PathSegment[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const segments: PathSegment[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (!match) return undefined;
    const [, dotted, index, single, double] = match;
    // An absurd index would make a huge sparse array: no real call has one.
    if (index !== undefined && Number(index) > maxArrayIndex) return undefined;
    segments.push(index !== undefined ? Number(index) : (dotted ?? single ?? double ?? ''));
  }
  return segments.length > 0 ? segments : undefined;
}

/** Own data properties only, so a streamed key like `__proto__` cannot reach a prototype. */
function define(container: Record<PathSegment, unknown>, key: PathSegment, value: unknown): void {
  Object.defineProperty(container, key, { value, enumerable: true, configurable: true, writable: true });
}

const own = (container: Record<PathSegment, unknown>, key: PathSegment): unknown =>
  Object.prototype.hasOwnProperty.call(container, key) ? container[key] : undefined;

/**
 * The arguments of one function call streamed as `partialArgs` (Vertex's
 * `streamFunctionCallArguments`, Gemini 3): each piece sets one value at a JSON path, and a string
 * with `willContinue` goes on in the next piece for the same path. Gemini clients only ever get
 * whole calls, so the pieces are gathered into the object and sent once complete.
 */
export class GeminiPartialArgs {
  #root: Record<PathSegment, unknown> = {};
  /** The path of a string still being streamed. */
  #openString: string | undefined;

  constructor(args?: Record<string, unknown>) {
    if (args) for (const [key, value] of Object.entries(args)) define(this.#root, key, value);
  }

  add(partialArgs: readonly unknown[]): void {
    for (const piece of partialArgs) {
      if (!isRecord(piece) || typeof piece.jsonPath !== 'string') continue;
      const path = parseJsonPath(piece.jsonPath);
      if (path === undefined) continue;
      const continues = typeof piece.stringValue === 'string' && this.#openString === piece.jsonPath;
      const value = continues
        ? `${String(this.#read(path) ?? '')}${String(piece.stringValue)}`
        : valueOf(piece);
      if (value !== undefined) this.#write(path, value);
      this.#openString = piece.willContinue === true ? piece.jsonPath : undefined;
    }
  }

  /** The gathered arguments as JSON text. */
  toJson(): string {
    return JSON.stringify(this.#root);
  }

  #read(path: readonly PathSegment[]): unknown {
    let current: unknown = this.#root;
    for (const segment of path) {
      if (typeof current !== 'object' || current === null) return undefined;
      current = own(current as Record<PathSegment, unknown>, segment);
    }
    return current;
  }

  #write(path: readonly PathSegment[], value: unknown): void {
    let container = this.#root;
    for (const [index, segment] of path.entries()) {
      if (index === path.length - 1) {
        define(container, segment, value);
        return;
      }
      let next = own(container, segment);
      if (typeof next !== 'object' || next === null) {
        next = typeof path[index + 1] === 'number' ? [] : {};
        define(container, segment, next);
      }
      container = next as Record<PathSegment, unknown>;
    }
  }
}

function valueOf(piece: Record<string, unknown>): unknown {
  if (typeof piece.stringValue === 'string') return piece.stringValue;
  if (typeof piece.numberValue === 'number') return piece.numberValue;
  if (typeof piece.boolValue === 'boolean') return piece.boolValue;
  if ('nullValue' in piece) return null;
  return undefined;
}
