import { describe, expect, it } from 'vitest';
import { isGatewayError } from '../core/gateway-error.ts';
import { hashSecret } from '../security/api-key.ts';
import type { ApiKeysRepository, ApiKeyWithOwner } from '../store/api-keys-repository.ts';
import { ApiKeyCache } from './api-key-cache.ts';
import { authenticate, requireScope } from './authenticate.ts';

const secret = `sk-${'a'.repeat(48)}`;

function keyRow(fields: Partial<ApiKeyWithOwner> = {}): ApiKeyWithOwner {
  return {
    id: 1,
    user_id: 2,
    name: 'k',
    key_hash: hashSecret(secret),
    masked: 'sk-aaaa…aaaa',
    models: null,
    enabled: 1,
    expires_at: null,
    created_at: 0,
    updated_at: 0,
    credit_limit: null,
    rpm: null,
    tpm: null,
    scopes: '["llm-all"]',
    allow_ips: null,
    user_role: 'user',
    user_group: 'default',
    user_enabled: 1,
    user_plan: null,
    user_plan_expires_at: null,
    credit_used: 0,
    ...fields,
  };
}

function cacheWith(row: ApiKeyWithOwner | undefined): ApiKeyCache {
  const repository = { findByHash: async (hash: string) => (hash === row?.key_hash ? row : undefined) };
  return new ApiKeyCache(repository as unknown as ApiKeysRepository, {
    ttlMs: 1000,
    negativeTtlMs: 1000,
    maxEntries: 10,
  });
}

const caller = (ip = '10.0.0.1', key = secret) => ({ headers: { authorization: `Bearer ${key}` }, ip });

/** The refusal's status and message, or 'ok'. */
async function outcome(row: ApiKeyWithOwner | undefined, ip?: string, key?: string): Promise<string> {
  try {
    await authenticate(cacheWith(row), caller(ip, key), undefined, 10_000);
    return 'ok';
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    return `${error.status} ${error.message}`;
  }
}

describe('authenticate', () => {
  it('accepts a plain key and reads its restrictions', async () => {
    const context = await authenticate(
      cacheWith(keyRow({ scopes: '["llm-chat"]', rpm: 5, tpm: 6, credit_limit: 7 })),
      caller(),
      undefined,
    );
    expect(context).toMatchObject({ keyId: 1, userId: 2, rpm: 5, tpm: 6, creditLimit: 7, allowIps: null });
    expect([...context.scopes]).toEqual(['llm-chat']);
  });

  it('refuses each rule with 401 or 403 and a message naming it', async () => {
    expect(await outcome(undefined)).toBe('401 Invalid API key');
    expect(await outcome(keyRow(), '10.0.0.1', 'sk-short')).toBe('401 Invalid API key');
    expect(await outcome(keyRow({ enabled: 0 }))).toBe('403 This API key is disabled');
    expect(await outcome(keyRow({ user_enabled: 0 }))).toMatch(/^403 The account .* is disabled$/);
    expect(await outcome(keyRow({ expires_at: 10_000 }))).toBe('403 This API key has expired');
    expect(await outcome(keyRow({ expires_at: 10_001 }))).toBe('ok');
    expect(await outcome(keyRow({ allow_ips: '["10.0.0.0/8"]' }), '10.9.9.9')).toBe('ok');
    expect(await outcome(keyRow({ allow_ips: '["10.0.0.0/8"]' }), '11.0.0.1')).toBe(
      '403 This API key may not be used from address 11.0.0.1 (not in its allow_ips)',
    );
    expect(await outcome(keyRow({ allow_ips: '["2001:db8::/32"]' }), '2001:db8::7')).toBe('ok');
    expect(await outcome(keyRow({ allow_ips: '["2001:db8::/32"]' }), '::ffff:10.0.0.1')).toMatch(
      /^403 .*allow_ips/,
    );
    expect(await outcome(keyRow({ scopes: '[]' }))).toBe('403 This API key has no scopes');
  });

  it('reads damaged restriction columns as refusing, not as open', async () => {
    expect(await outcome(keyRow({ scopes: 'not json' }))).toBe('403 This API key has no scopes');
    expect(await outcome(keyRow({ scopes: '["llm-root"]' }))).toBe('403 This API key has no scopes');
    expect(await outcome(keyRow({ allow_ips: 'not json' }))).toMatch(/^403 .*allow_ips/);
    expect(await outcome(keyRow({ allow_ips: '["bogus"]' }))).toMatch(/^403 .*allow_ips/);
  });
});

describe('requireScope', () => {
  const contextWith = (scopes: string[]) =>
    authenticate(cacheWith(keyRow({ scopes: JSON.stringify(scopes) })), caller(), undefined);

  it('passes llm-all and the scope itself', async () => {
    const all = await contextWith(['llm-all']);
    const chat = await contextWith(['llm-images', 'llm-chat']);
    expect(() => requireScope(all, 'llm-chat')).not.toThrow();
    expect(() => requireScope(all, 'llm-audio')).not.toThrow();
    expect(() => requireScope(chat, 'llm-chat')).not.toThrow();
  });

  it('refuses a key without the scope with 403, naming it', async () => {
    const images = await contextWith(['llm-images']);
    expect(() => requireScope(images, 'llm-chat')).toThrow(
      "This API key lacks the 'llm-chat' scope (it has: llm-images)",
    );
    try {
      requireScope(images, 'llm-chat');
    } catch (error) {
      expect(error).toMatchObject({ status: 403, code: 'permission_denied' });
    }
  });
});
