import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomText(length: number): string {
  let text = '';
  for (const byte of randomBytes(length)) text += alphabet[byte % alphabet.length];
  return text;
}

// Random once per process, then a counter: ids stay unique across mocks and restarts without
// paying for randomness on every request of a throughput benchmark.
const run = randomText(8);
let sequence = 0;

/** A unique id of `length` (at least 9) base-62-looking characters, like the providers' own ids. */
export function uniqueId(length: number): string {
  sequence += 1;
  return run + sequence.toString(36).padStart(length - run.length, '0');
}
