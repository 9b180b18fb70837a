import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SseMessage } from '../../src/protocols/wire-protocol.ts';

/** `../shared/fixtures/upstream`: real recorded provider responses (see its README). */
export const fixturesDir = join(import.meta.dirname, '../../../shared/fixtures/upstream');

export const fixtureFiles = (folder: string, suffix: string): string[] =>
  readdirSync(join(fixturesDir, folder))
    .filter((name) => name.endsWith(suffix))
    .map((name) => join(folder, name));

export const readFixtureJson = (path: string): unknown =>
  JSON.parse(readFileSync(join(fixturesDir, path), 'utf8'));

/**
 * A `*.chunks.txt` file as the SSE messages the provider sent: one JSON per line; Anthropic lines
 * carry their event name in `type`.
 */
export function readFixtureStream(path: string, options: { namedEvents?: boolean } = {}): SseMessage[] {
  return readFileSync(join(fixturesDir, path), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      if (!options.namedEvents) return { data: line };
      const { type } = JSON.parse(line) as { type: string };
      return { event: type, data: line };
    });
}
