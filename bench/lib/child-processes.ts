// Every process the benchmark starts goes through here, so that every one of them is stopped on
// every way out: normal end, thrown error, SIGINT/SIGTERM, and (synchronously) process exit.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

const OUTPUT_TAIL_CHARS = 8_000;
const STOP_GRACE_MS = 3_000;

export interface Child {
  name: string;
  process: ChildProcess;
  /** The last few KiB of the child's stdout and stderr, interleaved, for error messages. */
  outputTail(): string;
  /** Settles with how the child ended (`exit code 1`, `signal SIGKILL`, …) once it has. */
  exited: Promise<string>;
  /** How the child ended, or undefined while it runs. */
  exitStatus(): string | undefined;
}

const running = new Set<Child>();

export interface StartOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

export function startChild(name: string, command: string, args: string[], options: StartOptions): Child {
  // Own process group, so stopping it also stops anything it spawned itself.
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let tail = '';
  const keepTail = (chunk: Buffer): void => {
    tail += chunk.toString('utf8');
    if (tail.length > OUTPUT_TAIL_CHARS * 2) tail = tail.slice(-OUTPUT_TAIL_CHARS);
  };
  // Always drain both pipes: a child blocked on a full stdout pipe would skew the benchmark.
  child.stdout.on('data', keepTail);
  child.stderr.on('data', keepTail);

  let status: string | undefined;
  const exited = new Promise<string>((resolve) => {
    const ended = (how: string): void => {
      status ??= how;
      running.delete(handle);
      resolve(status);
    };
    child.once('exit', (code, signal) => ended(signal === null ? `exit code ${code}` : `signal ${signal}`));
    child.once('error', (error) => ended(`spawn error: ${error.message}`));
  });
  const handle: Child = {
    name,
    process: child,
    outputTail: () => tail.slice(-OUTPUT_TAIL_CHARS),
    exited,
    exitStatus: () => status,
  };
  running.add(handle);
  return handle;
}

export function describeExit(child: Child, what: string): string {
  const status = child.exitStatus();
  const output = child.outputTail().trim();
  return (
    `${child.name} ${what}${status === undefined ? '' : ` (${status})`}` +
    (output === '' ? '; it printed nothing' : `; its last output:\n${indent(output)}`)
  );
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** Resolves with the first match of `pattern` in the child's stdout; rejects if it exits or times out first. */
export function waitForOutput(child: Child, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      const match = seen.match(pattern);
      if (match !== null) finish(() => resolve(match));
    };
    const timer = setTimeout(
      () =>
        finish(() => reject(new Error(describeExit(child, `printed no ${pattern} within ${timeoutMs} ms`)))),
      timeoutMs,
    );
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      child.process.stdout?.off('data', onData);
      settle();
    };
    child.process.stdout?.on('data', onData);
    void child.exited.then(() =>
      finish(() => reject(new Error(describeExit(child, `exited before printing ${pattern}`)))),
    );
  });
}

function signalGroup(child: Child, signal: NodeJS.Signals): void {
  const pid = child.process.pid;
  if (pid === undefined || child.exitStatus() !== undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      child.process.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/** SIGTERM, then SIGKILL if it has not exited after a grace period. */
export async function stopChild(child: Child): Promise<void> {
  signalGroup(child, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), STOP_GRACE_MS).unref(),
  );
  if ((await Promise.race([child.exited, timer])) === 'timeout') {
    signalGroup(child, 'SIGKILL');
    await child.exited;
  }
}

/** SIGTERM every child still running, SIGKILL those that have not exited after a grace period. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map(stopChild));
}

// Last resort when the process exits without having awaited stopAllChildren (only sync code runs here).
process.on('exit', () => {
  for (const child of running) signalGroup(child, 'SIGKILL');
});

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
