import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readResponseText, splitSseData } from './read-response-text.ts';

const cliPath = fileURLToPath(new URL('./cli.ts', import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function startCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let output = '';
  for await (const chunk of child.stdout ?? []) {
    output += String(chunk);
    const match = /^MOCK_UPSTREAM_URL=(\S+)$/m.exec(output);
    if (match?.[1] !== undefined) return { child, url: match[1] };
  }
  throw new Error(`the CLI exited without printing its URL: ${output}`);
}

describe('cli', () => {
  it('prints its URL, streams with --chunks pieces and exits on SIGTERM', async () => {
    const { child, url } = await startCli(['--chunks', '2']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'bench' }] }),
    });
    const { text } = await readResponseText(response);
    // Role chunk, 2 content pieces, finish chunk, [DONE].
    expect(splitSseData(text)).toHaveLength(5);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });

  it('takes the port from MOCK_PORT and closes on SIGINT', async () => {
    const { child: probe, url: probeUrl } = await startCli([]);
    const port = new URL(probeUrl).port;
    const probeExited = once(probe, 'exit');
    probe.kill('SIGTERM');
    await probeExited;
    const { child, url } = await startCli([], { MOCK_PORT: port });
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    expect(await exited).toEqual([0, null]);
  });
});
