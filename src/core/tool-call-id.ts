import { randomBytes } from 'node:crypto';

/**
 * Tool-call ids that can carry a Gemini thought signature. OpenAI and Anthropic have no field for
 * it, yet Gemini 3 refuses a conversation whose function calls come back without their signature.
 * So when a call with a signature is sent to such a client, the signature rides inside the id
 * (base64url, after a marker), and comes back out when the client returns the call in history.
 * The id stays within `[A-Za-z0-9_-]`, as Anthropic requires of tool_use ids.
 */
const marker = '__sig_';

export const newToolCallId = (prefix = 'call'): string =>
  `${prefix}_${randomBytes(12).toString('base64url')}`;

export function embedSignature(id: string, signature: string | undefined): string {
  if (!signature || id.includes(marker)) return id;
  return `${id}${marker}${Buffer.from(signature, 'base64').toString('base64url')}`;
}

export function extractSignature(id: string): { id: string; signature: string | undefined } {
  const at = id.indexOf(marker);
  if (at < 0) return { id, signature: undefined };
  return { id, signature: Buffer.from(id.slice(at + marker.length), 'base64url').toString('base64') };
}
