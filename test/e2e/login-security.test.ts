import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/test-gateway.ts';

/** Login throttling, closed registration and CORS on the management surface. */

const password = 'a-good-password-1';

async function post(
  test: TestGateway,
  path: string,
  json: unknown,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${test.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(json),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('login throttling', () => {
  let test: TestGateway;

  const login = (username: string, secret: string, ip = '192.0.2.1') =>
    post(test, '/api/user/login', { username, password: secret }, { 'x-forwarded-for': ip });

  const addUser = async (username: string) => {
    const created = await test.api('POST', '/api/user/', { username, password }, test.adminToken);
    expect(created.status).toBe(200);
  };

  beforeAll(async () => {
    test = await startTestGateway({
      env: {
        LOGIN_MAX_FAILURES: '3',
        LOGIN_MAX_FAILURES_PER_IP: '5',
        LOGIN_FAILURE_WINDOW_SECONDS: '60',
        LOGIN_COOLDOWN_SECONDS: '120',
        TRUSTED_PROXIES: '127.0.0.1',
      },
    });
    for (const name of ['victim', 'resets', 'bystander', 'changer']) await addUser(name);
  });
  afterAll(async () => {
    await test?.close();
  });

  it('locks a username after N failures with 429 and Retry-After, even for the right password', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await login('victim', 'wrong-password', `192.0.2.${10 + attempt}`)).status).toBe(401);
    }
    const locked = await login('victim', password, '192.0.2.20');
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ success: false, data: null });
    expect(String(locked.body.message)).toMatch(/too many failed logins/i);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(100);
    expect(retryAfter).toBeLessThanOrEqual(120);
    // Other names are not affected.
    expect((await login('bystander', password, '192.0.2.21')).status).toBe(200);
  });

  it('clears the count of a username on a successful login', async () => {
    for (let round = 0; round < 3; round++) {
      expect((await login('resets', 'wrong-password', '192.0.2.30')).status).toBe(401);
      expect((await login('resets', 'wrong-password', '192.0.2.31')).status).toBe(401);
      expect((await login('resets', password, '192.0.2.32')).status).toBe(200);
    }
  });

  it('locks an address after N failures across usernames', async () => {
    for (const name of ['nobody-1', 'nobody-2', 'nobody-3', 'nobody-4', 'nobody-5']) {
      expect((await login(name, 'guess', '198.51.100.7')).status).toBe(401);
    }
    const locked = await login('bystander', password, '198.51.100.7');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login('bystander', password, '198.51.100.8')).status).toBe(200);
  });

  it('counts wrong current passwords on a password change against the name', async () => {
    const session = String(
      ((await login('changer', password, '192.0.2.40')).body.data as { token: string }).token,
    );
    const change = (current: string) =>
      post(
        test,
        '/api/user/self',
        { password: 'brand-new-password', current_password: current },
        { authorization: session, 'x-forwarded-for': '192.0.2.42' },
        'PUT',
      );
    for (let attempt = 0; attempt < 3; attempt++) expect((await change('not-it')).status).toBe(403);
    const locked = await change(password);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBeTruthy();
    expect((await login('changer', password, '192.0.2.43')).status).toBe(429);
  });
});

describe('closed registration and CORS for listed origins', () => {
  let test: TestGateway;
  const origin = 'https://console.example.com';

  beforeAll(async () => {
    test = await startTestGateway({
      env: { REGISTRATION_ENABLED: 'false', CORS_ORIGINS: `${origin}, https://other.example` },
    });
  });
  afterAll(async () => {
    await test?.close();
  });

  it('refuses registration with 403 when it is turned off', async () => {
    const result = await post(test, '/api/user/register', { username: 'walk-in', password });
    expect(result.status).toBe(403);
    expect(String(result.body.message)).toMatch(/registration is closed/i);
    expect((await post(test, '/api/user/login', { username: 'walk-in', password })).status).toBe(401);
  });

  it('answers a preflight from a listed origin, and grants nothing to others', async () => {
    const preflight = (from: string) =>
      fetch(`${test.url}/api/token/`, {
        method: 'OPTIONS',
        headers: {
          origin: from,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
    const allowed = await preflight(origin);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    expect(allowed.headers.get('vary')).toContain('Origin');

    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('marks responses to a listed origin, errors included, and no others', async () => {
    const status = await fetch(`${test.url}/api/status`, { headers: { origin } });
    expect(status.headers.get('access-control-allow-origin')).toBe(origin);
    expect(status.headers.get('access-control-expose-headers')).toContain('x-request-id');
    const unauthorized = await fetch(`${test.url}/api/user/self`, { headers: { origin } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(origin);
    const other = await fetch(`${test.url}/api/status`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // The relay surfaces are not part of it.
    const relay = await fetch(`${test.url}/v1/models`, { headers: { origin } });
    expect(relay.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS by default and with *', () => {
  let closed: TestGateway;
  let open: TestGateway;

  beforeAll(async () => {
    [closed, open] = await Promise.all([
      startTestGateway(),
      startTestGateway({ env: { CORS_ORIGINS: '*' } }),
    ]);
  });
  afterAll(async () => {
    await closed?.close();
    await open?.close();
  });

  it('is off unless configured: no CORS headers, and preflights find no route', async () => {
    const origin = 'https://console.example.com';
    const status = await fetch(`${closed.url}/api/status`, { headers: { origin } });
    expect(status.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${closed.url}/api/user/login`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.status).toBe(404);
  });

  it('allows every origin with *, without credentials', async () => {
    const status = await fetch(`${open.url}/api/status`, { headers: { origin: 'https://anywhere.example' } });
    expect(status.headers.get('access-control-allow-origin')).toBe('*');
    expect(status.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
