/**
 * The mock upstream as a process, for benchmarks and manual runs:
 *   tsx test/mock-upstream/cli.ts [--port N] [--host H] [--chunks N]
 * Prints `MOCK_UPSTREAM_URL=<url>` once listening; every request gets the default `echo` reply.
 */
import { parseArgs } from 'node:util';
import { startMockUpstream } from './mock-upstream-server.ts';

function readInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got ${text}`);
  return value;
}

const { values } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string' }, chunks: { type: 'string' } },
});

const mock = await startMockUpstream({
  port: readInteger('--port', values.port ?? process.env.MOCK_PORT, 0),
  host: values.host ?? '127.0.0.1',
  defaultStreamChunks: readInteger('--chunks', values.chunks, 5),
  // Nobody reads them here, and a long benchmark would grow the array without bound.
  recordRequests: false,
});
const shutdown = () => {
  mock.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
// Last, so whoever waits for this line can signal the process at once.
process.stdout.write(`MOCK_UPSTREAM_URL=${mock.url}\n`);
