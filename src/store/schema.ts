import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Table types shared by the three backends. Portable column choices: timestamps are epoch
 * milliseconds (bigint), booleans are 0/1 integers, lists and maps are JSON text.
 */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  role: UserRole;
  group_name: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

export type UserRole = 'user' | 'admin' | 'root';

export interface SessionsTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
}

export interface ApiKeysTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  key_hash: string;
  /** `sk-abcd…wxyz`: what listings show after creation. */
  masked: string;
  /** JSON array of allowed model ids; null allows every model. */
  models: string | null;
  enabled: number;
  expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface ChannelsTable {
  id: Generated<number>;
  name: string;
  provider: string;
  base_url: string;
  /** AES-256-GCM sealed upstream credential (see SecretBox). */
  api_key_sealed: string;
  /** JSON array of model ids. */
  models: string;
  /** JSON array of group names. */
  groups: string;
  /** JSON object: requested model → upstream model. */
  model_map: string;
  priority: number;
  weight: number;
  enabled: number;
  created_at: number;
  updated_at: number;
}

export interface RequestLogsTable {
  id: Generated<number>;
  created_at: number;
  request_id: string;
  user_id: number | null;
  api_key_id: number | null;
  endpoint: string;
  model: string;
  upstream_model: string | null;
  channel_id: number | null;
  status: number;
  stream: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  /** 1 when the upstream sent no usage and the counts are ours. */
  usage_estimated: number;
  latency_ms: number;
  first_byte_ms: number | null;
  error_code: string | null;
  /** JSON object from `X-Switchboard-Metadata`. */
  user_metadata: string | null;
  /** JSON array of translation warnings, or null. */
  warnings: string | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  channels: ChannelsTable;
  request_logs: RequestLogsTable;
}

export type UserRow = Selectable<UsersTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type ChannelRow = Selectable<ChannelsTable>;
export type RequestLogRow = Selectable<RequestLogsTable>;
export type NewRequestLog = Insertable<RequestLogsTable>;
export type ChannelUpdate = Updateable<ChannelsTable>;
