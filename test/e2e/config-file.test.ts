import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.ts';
import { startTestGateway } from '../support/test-gateway.ts';

let mock: MockUpstream;
// Restarts over one database share the secret that seals channel keys, as a real deployment does.
const sharedSecret = 'config-file-test-secret-key';
let dir: string;

beforeAll(async () => {
  mock = await startMockUpstream();
  dir = mkdtempSync(join(tmpdir(), 'switchboard-config-'));
});
afterAll(async () => {
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

const deployment = (upstreamUrl: string, priority: number) => `
# A deployment that lives in git: the keys come from the environment.
channels:
  - name: declared-openai
    provider: openai
    base_url: ${upstreamUrl}/v1
    api_key: \${DECLARED_OPENAI_KEY}
    models: [gpt-4o-mini]
    priority: ${priority}
  - name: declared-anthropic
    provider: anthropic
    base_url: ${upstreamUrl}
    api_key: \${DECLARED_ANTHROPIC_KEY:-sk-ant-fallback}
    models: [claude-sonnet-4-5]
models:
  - id: gpt-4o-mini
    aliases: [house-model]
groups:
  - name: vip
    multiplier: 0.8
plans:
  - name: Free
    rpm: 20
    duration_days: 30
`;

describe('SWITCHBOARD_CONFIG', () => {
  it('declares channels, models, groups and plans, applied idempotently at every start', async () => {
    const file = join(dir, 'switchboard.yaml');
    const databaseUrl = `sqlite:${join(dir, 'shared.db')}`;
    process.env.DECLARED_OPENAI_KEY = 'sk-from-environment';
    writeFileSync(file, deployment(mock.url, 5));

    const first = await startTestGateway({
      databaseUrl,
      env: { SWITCHBOARD_CONFIG: file, SECRET_KEY: sharedSecret },
    });
    try {
      const client = new OpenAI({
        apiKey: await first.createKey(),
        baseURL: `${first.url}/v1`,
        maxRetries: 0,
      });
      mock.enqueue({ kind: 'chat', content: 'declared' });
      const completion = await client.chat.completions.create({
        model: 'house-model',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(completion.choices[0]?.message.content).toBe('declared');
      expect(mock.requests.at(-1)?.headers.authorization).toBe('Bearer sk-from-environment');
      const stored = await first.gateway.store.groupsPlans.listGroups();
      expect(stored).toMatchObject([{ name: 'vip', multiplier_ppm: 800_000 }]);
      expect(await first.gateway.store.groupsPlans.listPlans()).toMatchObject([
        { name: 'Free', rpm: 20, duration_days: 30 },
      ]);
    } finally {
      await first.close();
    }

    // The same file again, with one value changed: nothing duplicated, the change applied.
    writeFileSync(file, deployment(mock.url, 9));
    const second = await startTestGateway({
      databaseUrl,
      env: { SWITCHBOARD_CONFIG: file, SECRET_KEY: sharedSecret },
    });
    try {
      const channels = await second.api('GET', '/api/channel/', undefined, second.adminToken);
      const declared = (channels.body.data as unknown as { name: string; priority: number }[]).filter(
        (channel) => channel.name.startsWith('declared-'),
      );
      expect(declared.map((channel) => [channel.name, channel.priority])).toEqual([
        ['declared-openai', 9],
        ['declared-anthropic', 0],
      ]);
      expect(JSON.stringify(channels.body)).not.toContain('sk-from-environment');
    } finally {
      await second.close();
      delete process.env.DECLARED_OPENAI_KEY;
    }
  });

  it('refuses to start on a file with an unset variable or a bad field, naming it', async () => {
    const missing = join(dir, 'missing.yaml');
    writeFileSync(
      missing,
      'channels:\n  - name: x\n    provider: openai\n    api_key: ${NO_SUCH_VARIABLE}\n    models: [m]\n',
    );
    await expect(startTestGateway({ env: { SWITCHBOARD_CONFIG: missing } })).rejects.toThrow(
      'NO_SUCH_VARIABLE',
    );

    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'channels:\n  - name: x\n    provider: not-a-provider\n    api_key: k\n    models: [m]\n',
    );
    await expect(startTestGateway({ env: { SWITCHBOARD_CONFIG: bad } })).rejects.toThrow(
      'channels.0.provider',
    );

    const noBase = join(dir, 'no-base.yaml');
    writeFileSync(
      noBase,
      'channels:\n  - name: x\n    provider: openai-compatible\n    api_key: k\n    models: [m]\n',
    );
    await expect(startTestGateway({ env: { SWITCHBOARD_CONFIG: noBase } })).rejects.toThrow(
      'channels.0.base_url',
    );

    const badModel = join(dir, 'bad-model.yaml');
    writeFileSync(badModel, 'models:\n  - id: m\n    strategy: fastest\n');
    await expect(startTestGateway({ env: { SWITCHBOARD_CONFIG: badModel } })).rejects.toThrow(
      'models.0.strategy',
    );
  });
});

describe('SWITCHBOARD_CONFIG and channels the gateway disabled', () => {
  it('keeps a channel disabled while the file declares the key that was refused, and not after a new one', async () => {
    const file = join(dir, 'refused.yaml');
    const databaseUrl = `sqlite:${join(dir, 'refused.db')}`;
    const declare = (key: string) =>
      writeFileSync(
        file,
        `channels:\n  - name: refused\n    provider: openai\n    base_url: ${mock.url}/v1\n    api_key: ${key}\n    models: [m-refused]\n`,
      );
    declare('sk-bad');
    const first = await startTestGateway({
      databaseUrl,
      env: { SWITCHBOARD_CONFIG: file, SECRET_KEY: sharedSecret },
    });
    const [row] = (await first.gateway.store.channels.list()).filter((channel) => channel.name === 'refused');
    await first.gateway.store.channels.update(row!.id, {
      enabled: 0,
      disabled_reason: 'upstream refused the key',
    });
    await first.close();

    const again = await startTestGateway({
      databaseUrl,
      env: { SWITCHBOARD_CONFIG: file, SECRET_KEY: sharedSecret },
    });
    const [kept] = (await again.gateway.store.channels.list()).filter(
      (channel) => channel.name === 'refused',
    );
    expect(kept).toMatchObject({ enabled: 0, disabled_reason: 'upstream refused the key' });
    await again.close();

    declare('sk-new');
    const renewed = await startTestGateway({
      databaseUrl,
      env: { SWITCHBOARD_CONFIG: file, SECRET_KEY: sharedSecret },
    });
    const [fresh] = (await renewed.gateway.store.channels.list()).filter(
      (channel) => channel.name === 'refused',
    );
    expect(fresh).toMatchObject({ enabled: 1, disabled_reason: null });
    await renewed.close();
  });
});
