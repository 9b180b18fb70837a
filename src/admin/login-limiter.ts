import { isIP } from 'node:net';

export interface LoginLimiterOptions {
  /** Failed logins for one username within the window that lock it. */
  maxFailuresPerUser: number;
  /** Failed logins from one address (an IPv6 client's /64) within the window that lock it. */
  maxFailuresPerAddress: number;
  windowMs: number;
  /** How long a locked username or address stays locked. */
  cooldownMs: number;
  /** Entries kept at most; past it the stalest are dropped, so a flood of names cannot exhaust memory. */
  maxEntries?: number;
}

interface Entry {
  failures: number;
  windowStart: number;
  lockedUntil: number;
}

/**
 * The key an address is counted under: an IPv6 client usually holds a whole /64, so that is what is
 * counted; an IPv4-mapped IPv6 address counts as its IPv4 address.
 */
export function addressKey(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const lower = ip.toLowerCase();
  if (lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4) return lower.slice(7);
  const [head = '', tail = ''] = lower.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = lower.includes('::')
    ? [
        ...headGroups,
        ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'),
        ...tailGroups,
      ]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * Throttles password guessing: after N failed logins for a username, or from an address, within the
 * window, that name or address is locked for the cooldown (even a right password then gets 429).
 * A successful login clears the name's count, not the address's: one account an attacker owns must
 * not let them keep guessing others' passwords.
 *
 * In memory, so each node counts alone; the rate-limit issue moves this onto Redis for several nodes.
 */
export class LoginLimiter {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;

  constructor(private readonly options: LoginLimiterOptions) {
    this.#maxEntries = options.maxEntries ?? 100_000;
  }

  /** Milliseconds until this name and address may try again; 0 when they may now. */
  retryAfterMs(username: string, ip: string, now = Date.now()): number {
    const wait = (key: string) => Math.max(0, (this.#entries.get(key)?.lockedUntil ?? 0) - now);
    return Math.max(wait(userKey(username)), wait(`address:${addressKey(ip)}`));
  }

  recordFailure(username: string, ip: string, now = Date.now()): void {
    this.#fail(userKey(username), this.options.maxFailuresPerUser, now);
    this.#fail(`address:${addressKey(ip)}`, this.options.maxFailuresPerAddress, now);
  }

  recordSuccess(username: string): void {
    this.#entries.delete(userKey(username));
  }

  #fail(key: string, limit: number, now: number): void {
    let entry = this.#entries.get(key);
    if (!entry || now - entry.windowStart >= this.options.windowMs) {
      if (!entry) this.#makeRoom(now);
      entry = { failures: 0, windowStart: now, lockedUntil: entry?.lockedUntil ?? 0 };
      this.#entries.set(key, entry);
    }
    entry.failures += 1;
    if (entry.failures >= limit) {
      entry.lockedUntil = now + this.options.cooldownMs;
      entry.failures = 0;
      entry.windowStart = now;
    }
  }

  #makeRoom(now: number): void {
    if (this.#entries.size < this.#maxEntries) return;
    for (const [key, entry] of this.#entries) {
      if (entry.lockedUntil <= now && now - entry.windowStart >= this.options.windowMs)
        this.#entries.delete(key);
    }
    // Still full: drop the oldest (a Map iterates in insertion order).
    for (const key of this.#entries.keys()) {
      if (this.#entries.size < this.#maxEntries) break;
      this.#entries.delete(key);
    }
  }
}

/** Names are counted without case, so `Admin` and `admin` share one count. */
const userKey = (username: string): string => `user:${username.toLowerCase()}`;
