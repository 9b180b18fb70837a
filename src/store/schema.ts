import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { CreditLedgerTable, ModelPricesTable, RedemptionCodesTable } from './credit-tables.ts';
import type { LatencyBucketColumn } from './latency-buckets.ts';

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
  /** What the console shows instead of the username; null: the username. */
  display_name: string | null;
  email: string | null;
  /** Set by `DELETE /api/user/{id}`: the row stays (logs and ledger point at it), the name stays taken. */
  deleted_at: number | null;
  /** Micro-credits; changed only through the ledger, never below zero. */
  balance: Generated<number>;
  /** The plan that sets the user's limits; null: the default plan, if any. */
  plan_name: string | null;
  /** When the plan ends (epoch ms); null: never. */
  plan_expires_at: number | null;
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
  /** Most micro-credits the key may spend; null: no limit. Enforced by billing. */
  credit_limit: number | null;
  /** Requests and tokens per minute; null: no limit of the key's own. Enforced by the rate limiter. */
  rpm: number | null;
  tpm: number | null;
  /** JSON array of KeyScope. */
  scopes: string;
  /** JSON array of IP addresses and CIDR blocks the key may be used from; null: anywhere. */
  allow_ips: string | null;
  /**
   * Micro-credits charged to the key so far (on PostgreSQL and MySQL, holds in flight included; SQLite
   * counts those in memory until settled); bounded by `credit_limit`.
   */
  credit_used: Generated<number>;
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
  /** Why the gateway disabled the channel (it may re-enable it); null if it did not. */
  disabled_reason: string | null;
  /** When the channel was last tested (by an admin or the health check), and what failed then. */
  last_checked_at: number | null;
  last_check_error: string | null;
  /** JSON object: model (or `*`) → micro-credits per million tokens, for the `cheapest` strategy. */
  costs: string | null;
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
  /** JSON array of the channels tried, in order: `[{"channel":3,"outcome":"503"},…]`; null if none. */
  attempts: string | null;
  /** What the request was charged, in micro-credits (0 until billing fills it). */
  credits: Generated<number>;
}

/** Request and response bodies of a log row, kept only when the operator turns `log_bodies` on. */
export interface RequestLogBodiesTable {
  /** The request_logs row's id. */
  log_id: number;
  /** The body as text, cut at `log_body_max_bytes`; null when there was none to keep. */
  request_body: string | null;
  /** The whole body's size, and 1 when what is kept is cut short of it. */
  request_bytes: number;
  request_truncated: number;
  response_body: string | null;
  response_bytes: number;
  response_truncated: number;
}

/**
 * Hourly sums of the log per user, key and model, added to as log rows are written; the dashboard
 * reads only these. `user_id`/`api_key_id` 0 stand for none. One count per latency bucket.
 */
export type RequestRollupsTable = {
  hour_start: number;
  user_id: number;
  api_key_id: number;
  model: string;
  requests: number;
  /** Requests answered with a status of 400 or more (a client's own disconnect, 499, excluded). */
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  credits: number;
  latency_ms_sum: number;
} & Record<LatencyBucketColumn, number>;

export interface SystemLogsTable {
  id: Generated<number>;
  created_at: number;
  level: 'info' | 'warn' | 'error';
  /** What happened, e.g. `channel_disabled`, `channel_enabled`. */
  event: string;
  channel_id: number | null;
  message: string;
}

/** An operator's catalog entry; it replaces the built-in entry of the same id. */
export interface ModelsTable {
  /** The model id itself. */
  id: string;
  /** JSON array of other names. */
  aliases: string;
  /** JSON object `{vision, tools, json, context_window, max_output}`. */
  capabilities: string;
  /** JSON array of the groups that may use the model; null: every group. */
  groups: string | null;
  strategy: string;
  owned_by: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** Operator settings changed at run time (`/api/setting/`): one JSON value per name. */
export interface SettingsTable {
  name: string;
  value: string;
  updated_at: number;
}

export interface UserGroupsTable {
  name: string;
  /** Price multiplier in parts per million: 1_000_000 is 1×, 0 is free. */
  multiplier_ppm: number;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface PlansTable {
  name: string;
  rpm: number | null;
  tpm: number | null;
  /** JSON array of model ids the plan allows; null for all. */
  models: string | null;
  /** JSON array of groups whose models the plan allows; null for all. */
  groups: string | null;
  duration_days: number | null;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  channels: ChannelsTable;
  request_logs: RequestLogsTable;
  request_log_bodies: RequestLogBodiesTable;
  request_rollups: RequestRollupsTable;
  settings: SettingsTable;
  system_logs: SystemLogsTable;
  models: ModelsTable;
  user_groups: UserGroupsTable;
  plans: PlansTable;
  credit_ledger: CreditLedgerTable;
  model_prices: ModelPricesTable;
  redemption_codes: RedemptionCodesTable;
}

export type UserGroupRow = Selectable<UserGroupsTable>;
export type PlanRow = Selectable<PlansTable>;

export type UserRow = Selectable<UsersTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type ApiKeyUpdate = Updateable<ApiKeysTable>;
export type UserUpdate = Updateable<UsersTable>;
export type ChannelRow = Selectable<ChannelsTable>;
export type RequestLogRow = Selectable<RequestLogsTable>;
export type ModelRow = Selectable<ModelsTable>;
export type NewRequestLog = Insertable<RequestLogsTable>;
export type RequestLogBodiesRow = Selectable<RequestLogBodiesTable>;
export type RequestRollupRow = Selectable<RequestRollupsTable>;
export type ChannelUpdate = Updateable<ChannelsTable>;
export type SystemLogRow = Selectable<SystemLogsTable>;
export type NewSystemLog = Insertable<SystemLogsTable>;
