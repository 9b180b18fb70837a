import { hash } from 'node:crypto';
import { randomBase62 } from './random-token.ts';

export const apiKeyPattern = /^sk-[0-9A-Za-z]{48}$/;

/** A new API key: `sk-` + 48 base62 characters (about 285 bits). */
export const generateApiKey = (): string => `sk-${randomBase62(48)}`;

/** Keys and session tokens are stored only as SHA-256 hashes: a leaked table reveals no usable secret. */
export const hashSecret = (secret: string): string => hash('sha256', secret, 'hex');

/** What a key looks like in listings after creation: `sk-abcd…wxyz`. */
export const maskApiKey = (key: string): string => `${key.slice(0, 7)}…${key.slice(-4)}`;
