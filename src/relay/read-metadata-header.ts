import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/gateway-error.ts';

const maxMetadataBytes = 2048;

/**
 * `X-Switchboard-Metadata` (a JSON object of at most 2 KiB) as the text stored on the log row, or
 * null. `X-Switchboard-No-Log: 1` keeps metering only, so the metadata is not stored either.
 */
export function readMetadataHeader(headers: IncomingHttpHeaders): string | null {
  const raw = headers['x-switchboard-metadata'];
  if (typeof raw !== 'string' || raw === '') return null;
  if (Buffer.byteLength(raw) > maxMetadataBytes) {
    throw new GatewayError(400, 'invalid_request', 'X-Switchboard-Metadata is larger than 2 KiB');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new GatewayError(400, 'invalid_request', 'X-Switchboard-Metadata must be a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError(400, 'invalid_request', 'X-Switchboard-Metadata must be a JSON object');
  }
  return headers['x-switchboard-no-log'] === '1' ? null : JSON.stringify(parsed);
}
