import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');

export interface SpawnedGateway {
  process: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Runs `src/main.ts` in a child process, as `npm start` does, and waits until it listens. */
export async function spawnGateway(env: Record<string, string>): Promise<SpawnedGateway> {
  // The module loader of package.json's start script (not the flags: tests start many gateways).
  const child = spawn(process.execPath, ['--import', './scripts/typescript-loader.mjs', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
    if (match) return { process: child, url: match[1]!, output: () => output, exited };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gateway did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
