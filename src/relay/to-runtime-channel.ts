import type { Logger } from 'pino';
import { authHeaders, findProvider } from '../providers/provider-catalog.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { parseJsonColumn } from '../store/json-column.ts';
import type { ChannelRow } from '../store/schema.ts';
import type { RuntimeChannel } from './runtime-channel.ts';

/**
 * A channel row as the relay uses it: key decrypted, lists parsed, URL split, headers prepared.
 * Undefined (with a log line saying why) when the row cannot be served.
 */
export function toRuntimeChannel(
  row: ChannelRow,
  secretBox: SecretBox,
  logger: Logger,
): RuntimeChannel | undefined {
  const provider = findProvider(row.provider);
  if (!provider) {
    logger.warn({ channel: row.id, provider: row.provider }, 'channel has an unknown provider; skipped');
    return undefined;
  }
  let apiKey: string;
  try {
    apiKey = secretBox.open(row.api_key_sealed);
  } catch (error) {
    logger.error({ err: error, channel: row.id }, 'channel key cannot be decrypted (SECRET_KEY changed?)');
    return undefined;
  }
  const baseUrl = (row.base_url || provider.defaultBaseUrl).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    logger.warn({ channel: row.id, baseUrl }, 'channel has an invalid base URL; skipped');
    return undefined;
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...provider.extraHeaders,
    ...authHeaders(provider.auth, apiKey),
  };
  return {
    id: row.id,
    name: row.name,
    provider,
    baseUrl,
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    query: url.searchParams,
    models: new Set(parseJsonColumn<string[]>(row.models, [])),
    groups: new Set(parseJsonColumn<string[]>(row.groups, ['default'])),
    modelMap: parseJsonColumn<Record<string, string>>(row.model_map, {}),
    costs: parseJsonColumn<Record<string, number>>(row.costs, {}),
    priority: row.priority,
    weight: row.weight,
    headers,
  };
}
