import type { RelayReply } from '../http/relay-exchange.ts';
import { sinceReceived } from '../http/received-at.ts';
import type { RelayRecord } from './relay-record.ts';
import type { UpstreamAnswer } from './send-with-failover.ts';
import { warningsHeader } from './warnings-header.ts';

/**
 * The gateway's own headers on a relayed answer (API.md 1.3): rate limits, credits, request id,
 * overhead; the channel's name for admins only.
 */
export function relayResponseHeaders(
  reply: RelayReply,
  record: RelayRecord,
  answer: UpstreamAnswer,
  credits: Record<string, string>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const limits = record.admission?.headers;
  if (limits) for (const name in limits) headers[name] = limits[name]!;
  for (const name in credits) headers[name] = credits[name]!;
  headers['x-request-id'] = record.requestId;
  headers['x-switchboard-overhead-ms'] = Math.max(
    0,
    sinceReceived(reply.request) - record.upstreamMs,
  ).toFixed(2);
  if (record.key && record.key.role !== 'user') headers['x-switchboard-channel'] = answer.channel.name;
  if (record.warnings.length > 0) headers['x-switchboard-warnings'] = warningsHeader(record.warnings);
  return headers;
}
