import type { Redis } from 'ioredis';
import { RateLimiterUnavailableError } from '../rate-limiter-unavailable-error.ts';
import { MAX_LEASE_MS } from './room-leases.ts';

/*
 * Each bucket is two keys: a sorted set (the log: member per entry, score = Redis time in ms) and a
 * running total for tokens buckets (a requests bucket's total is the set's size). Members are
 * `<unique id>` for requests and `<unique id>:<amount>` for tokens, so pruning knows what leaves.
 * The clock is Redis TIME, read inside the script: every node sees one clock, whatever its own says.
 * (A record that waited on its node, up to a window while Redis could not be reached, is scored as
 * long before as it waited, as the node measured it.)
 * Keys get a PEXPIRE of one window plus the longest lease time on every write, so idle buckets vanish
 * by themselves, and never before a lease's entries, whatever lease time the writing node has.
 *
 * One script does everything, in this order: it settles the room leases it was given (room a node
 * did not use goes back), writes the tokens records it was given, then (when given buckets) decides
 * one admission, so the admission sees those tokens, and grants the leases asked for. Each bucket is
 * read once per call (`load`): its oldest entry tells at once whether anything left the window and
 * when `remaining` next grows (the reset), and its total comes from the counter (tokens) or ZCARD
 * (requests). A record is added with ZADD NX under its member: sent again after a reply was lost,
 * it is recognised and not counted twice; settling a lease twice gives nothing back twice; an
 * admission run twice finds its own entry and answers as before. Errors of
 * one record or settlement or of the admission are caught and returned, so what was written is
 * always reported; the script itself fails only before it writes.
 *
 * A lease (see room-leases.ts) is granted only to an admitted request, and only while the bucket,
 * the lease included, stays at most half full: near its limit every request is decided here. Its
 * room is written as entries scored at the lease's end (requests: `<admission id>/<n>` for n = 1…size;
 * tokens: `<admission id>:<size>`), so it counts as used at once and leaves the window no earlier
 * than the requests it admits would have. When the lease is settled, the requests entries it used
 * are scored back to when their requests came (as the node works it out from its own clock, never
 * earlier than they came), so they leave the window about when those requests' own entries would have.
 */
const script = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[1])
local start = now - window
local records = tonumber(ARGV[3])
local settlements = tonumber(ARGV[4])
local leaseMs = tonumber(ARGV[5])
local ttl = window + ${MAX_LEASE_MS}
local loaded = {}

local function reason(err)
  if type(err) == 'table' then return tostring(err.err or err.msg or 'error') end
  return tostring(err)
end

-- Prunes what left the window (once per bucket and call) and returns { total, oldest score or nil }.
-- A tokens bucket's total is read only when wanted (\`total\`): a record's INCRBY returns it anyway.
local function load(log, sum, tokens)
  local cacheKey = (tokens and 't' or 'r') .. log
  local bucket = loaded[cacheKey]
  if bucket then return bucket end
  local first = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
  local removed = 0
  if #first > 0 and tonumber(first[2]) <= start then
    if tokens then
      for _, member in ipairs(redis.call('ZRANGEBYSCORE', log, '-inf', start)) do
        removed = removed + tonumber(string.match(member, ':(%d+)$'))
      end
    end
    redis.call('ZREMRANGEBYSCORE', log, '-inf', start)
    first = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
  end
  bucket = { sum = sum }
  if #first == 0 then
    bucket.total = 0
    if tokens then redis.call('DEL', sum) end
  else
    bucket.oldest = tonumber(first[2])
    if not tokens then
      bucket.total = redis.call('ZCARD', log)
    elseif removed > 0 then
      bucket.total = redis.call('DECRBY', sum, removed)
    end
  end
  loaded[cacheKey] = bucket
  return bucket
end

local function total(bucket)
  if not bucket.total then bucket.total = tonumber(redis.call('GET', bucket.sum) or '0') end
  return bucket.total
end

local settleKeys, settleArgs = 0, 5
local function settle(j)
  local log, sum = KEYS[settleKeys + 2 * j - 1], KEYS[settleKeys + 2 * j]
  local id = ARGV[settleArgs + 5 * j - 3]
  local size = tonumber(ARGV[settleArgs + 5 * j - 2])
  local used = tonumber(ARGV[settleArgs + 5 * j - 1])
  if ARGV[settleArgs + 5 * j - 4] == 'r' then
    if used < size then
      local unused = {}
      for n = used + 1, size do unused[#unused + 1] = id .. '/' .. n end
      redis.call('ZREM', log, unpack(unused))
    end
    -- The room used, scored at the lease's end, goes back to when its requests came (only ever
    -- earlier, so settling twice changes nothing more).
    local n = 0
    for score in string.gmatch(ARGV[settleArgs + 5 * j], '%d+') do
      n = n + 1
      if n > used then break end
      local member = id .. '/' .. n
      local current = redis.call('ZSCORE', log, member)
      if current and tonumber(score) < tonumber(current) then
        redis.call('ZADD', log, 'XX', score, member)
      end
    end
  elseif redis.call('ZREM', log, id .. ':' .. size) == 1 then
    -- The tokens the lease's requests used are recorded like every other record: its room goes back whole.
    redis.call('DECRBY', sum, size)
  end
end

local recordKeys, recordArgs = 2 * settlements, 5 + 5 * settlements
local function record(i)
  local log, sum = KEYS[recordKeys + 2 * i - 1], KEYS[recordKeys + 2 * i]
  -- As of when its tokens were used (they waited on the node): once out of the window, nothing.
  local at = now - tonumber(ARGV[recordArgs + 3 * i])
  if at <= start then return end
  local bucket = load(log, sum, true)
  if redis.call('ZADD', log, 'NX', at, ARGV[recordArgs + 3 * i - 2]) == 1 then
    bucket.total = redis.call('INCRBY', sum, ARGV[recordArgs + 3 * i - 1])
    if not bucket.oldest or at < bucket.oldest then bucket.oldest = at end
    redis.call('PEXPIRE', log, ttl)
    redis.call('PEXPIRE', sum, ttl)
  end
end

local keyBase, argBase = recordKeys + 2 * records, recordArgs + 3 * records
local count = (#KEYS - keyBase) / 2

-- The member bucket i's log holds once this call's admission is in it: the request's own entry, or
-- for a tokens bucket the room it leased (nil when the call leased none there).
local function admitted(i)
  local want = tonumber(ARGV[argBase + 4 * i])
  if ARGV[argBase + 4 * i - 3] == 'r' then return ARGV[2], ARGV[2] .. '/1' end
  if want > 0 then return ARGV[2] .. ':' .. want, ARGV[2] .. ':' .. want end
  return nil, nil
end

local function admit()
  local buckets, fits = {}, {}
  local allowed = 1
  -- A call Redis runs a second time (ioredis sends it again when the connection dropped before the
  -- reply came) finds its own admission in a log: it answers as the first run did, writing nothing.
  local again = false
  for i = 1, count do
    local tokens = ARGV[argBase + 4 * i - 3] == 't'
    buckets[i] = load(KEYS[keyBase + 2 * i - 1], KEYS[keyBase + 2 * i], tokens)
    local own = admitted(i)
    if own and redis.call('ZSCORE', KEYS[keyBase + 2 * i - 1], own) then again = true end
  end
  for i = 1, count do
    local limit = tonumber(ARGV[argBase + 4 * i - 2])
    local need = tonumber(ARGV[argBase + 4 * i - 1])
    fits[i] = total(buckets[i]) + need <= limit or again
    if not fits[i] then allowed = 0 end
  end
  local granted = {}
  for i = 1, count do granted[i] = 0 end
  if again then
    for i = 1, count do
      local _, lease = admitted(i)
      local want = tonumber(ARGV[argBase + 4 * i])
      if want > 0 and lease and redis.call('ZSCORE', KEYS[keyBase + 2 * i - 1], lease) then
        granted[i] = want
      end
    end
  elseif allowed == 1 then
    for i = 1, count do
      if ARGV[argBase + 4 * i - 3] == 'r' then
        local log = KEYS[keyBase + 2 * i - 1]
        redis.call('ZADD', log, now, ARGV[2])
        redis.call('PEXPIRE', log, ttl)
        buckets[i].total = buckets[i].total + 1
        buckets[i].oldest = buckets[i].oldest or now
      end
    end
    local ends = now + leaseMs
    for i = 1, count do
      local tokens = ARGV[argBase + 4 * i - 3] == 't'
      local limit = tonumber(ARGV[argBase + 4 * i - 2])
      local need = tonumber(ARGV[argBase + 4 * i - 1])
      local want = tonumber(ARGV[argBase + 4 * i])
      local after = buckets[i].total + want + (tokens and need or 0)
      if want > 0 and after * 2 <= limit then
        local log, sum = KEYS[keyBase + 2 * i - 1], KEYS[keyBase + 2 * i]
        if tokens then
          -- Counted once: a call Redis runs twice (sent again after a lost reply) adds nothing more.
          if redis.call('ZADD', log, 'NX', ends, ARGV[2] .. ':' .. want) == 1 then
            buckets[i].total = redis.call('INCRBY', sum, want)
            redis.call('PEXPIRE', sum, ttl)
          end
        else
          local entries = {}
          for n = 1, want do
            entries[2 * n - 1] = ends
            entries[2 * n] = ARGV[2] .. '/' .. n
          end
          redis.call('ZADD', log, unpack(entries))
          buckets[i].total = buckets[i].total + want
        end
        redis.call('PEXPIRE', log, ttl)
        buckets[i].oldest = buckets[i].oldest or ends
        granted[i] = want
      end
    end
  end
  local result = { allowed, now }
  for i = 1, count do
    local log = KEYS[keyBase + 2 * i - 1]
    local limit = tonumber(ARGV[argBase + 4 * i - 2])
    local need = tonumber(ARGV[argBase + 4 * i - 1])
    local held = buckets[i].total
    local reset, wait = 0, 0
    if buckets[i].oldest then reset = buckets[i].oldest + window - now end
    if not fits[i] then
      wait = window
      if ARGV[argBase + 4 * i - 3] == 'r' then
        local leaving = redis.call('ZRANGE', log, held + need - limit - 1, held + need - limit - 1, 'WITHSCORES')
        if #leaving > 0 then wait = tonumber(leaving[2]) + window - now end
      else
        -- Oldest first, in growing slices, until enough tokens would have left: rarely the whole log.
        local left, from, size, found = held, 0, 16, false
        while not found do
          local entries = redis.call('ZRANGE', log, from, from + size - 1, 'WITHSCORES')
          for j = 1, #entries, 2 do
            left = left - tonumber(string.match(entries[j], ':(%d+)$'))
            if left + need <= limit then
              wait = tonumber(entries[j + 1]) + window - now
              found = true
              break
            end
          end
          if #entries < 2 * size then break end
          from, size = from + size, size * 2
        end
      end
    end
    table.insert(result, fits[i] and 1 or 0)
    table.insert(result, held)
    table.insert(result, math.max(0, reset))
    table.insert(result, math.max(0, wait))
    table.insert(result, granted[i])
  end
  return result
end

local reply = {}
for j = 1, settlements do
  local ok, err = pcall(settle, j)
  reply[j] = ok and 1 or reason(err)
end
for i = 1, records do
  local ok, err = pcall(record, i)
  reply[settlements + i] = ok and 1 or reason(err)
end
if count > 0 then
  local ok, result = pcall(admit)
  if ok then
    for _, figure in ipairs(result) do table.insert(reply, figure) end
  else
    table.insert(reply, reason(result))
  end
end
return reply
`;

/** Tokens to add to one bucket's log. */
export interface ScriptRecord {
  log: string;
  sum: string;
  /** A unique id: the entry is `<id>:<amount>`, the same when the record is sent again. */
  id: string;
  /** A positive integer. */
  amount: number;
  /** How long ago (ms) its tokens were used: the entry is scored that much before the script's time. */
  ageMs: number;
}

/** A room lease to settle: what it did not use goes back (see room-leases.ts). */
export interface ScriptSettlement {
  log: string;
  sum: string;
  kind: 'requests' | 'tokens';
  /** The admission that took the lease. */
  id: string;
  size: number;
  used: number;
  /**
   * Requests: Redis-clock scores (ms) for the used entries, in order, when their requests came (the
   * entries stand at the lease's end until then); missing ones stay where they are.
   */
  usedAt?: readonly number[];
}

/** One bucket of an admission. */
export interface ScriptBucket {
  log: string;
  sum: string;
  kind: 'requests' | 'tokens';
  limit: number;
  /** The room the bucket must have (see `bucketNeeds`). */
  need: number;
  /** Room to lease besides, if the request is admitted and the bucket stays at most half full (0: none). */
  want: number;
}

export interface ScriptBucketFigures {
  fits: boolean;
  /** What the window holds after the admission (this request included when admitted). */
  total: number;
  resetMs: number;
  waitMs: number;
  /** Room leased (0: none). */
  granted: number;
}

export type ScriptAdmission =
  /** `now`: the script's Redis time (ms), at which leases granted start. */
  | { allowed: boolean; now: number; buckets: ScriptBucketFigures[] }
  /** Redis refused the admission (e.g. WRONGTYPE): nothing was admitted. */
  | { error: string };

export interface ScriptReply {
  /** Per settlement: undefined when done (now, or by an earlier call), else Redis's error. */
  settlementErrors: (string | undefined)[];
  /** Per record: undefined when its tokens are in the log (now, or by an earlier call), else Redis's error. */
  recordErrors: (string | undefined)[];
  /** Undefined when the call had no buckets. */
  admission: ScriptAdmission | undefined;
}

export interface ScriptCall {
  windowMs: number;
  /** How far ahead leased room is scored (also added to every key's expiry). */
  leaseMs: number;
  settlements: readonly ScriptSettlement[];
  records: readonly ScriptRecord[];
  /** Empty: only the records are written. */
  buckets: readonly ScriptBucket[];
  /** The admission's unique entry in its requests buckets (unused without buckets). */
  requestId: string;
}

/** The script as a typed call on `redis` (EVALSHA, loading the script when Redis lacks it). */
export interface RedisSlidingWindow {
  /** Rejects with `RateLimiterUnavailableError` on a reply it cannot read; other failures as ioredis does. */
  run(call: ScriptCall): Promise<ScriptReply>;
}

/** The ioredis command the script is defined as (tests wrap it to make calls fail). */
export const slidingWindowCommand = 'switchboardRateLimit';

type SlidingWindowCommand = Record<
  typeof slidingWindowCommand,
  (keyCount: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>
>;

export function defineSlidingWindow(redis: Redis): RedisSlidingWindow {
  redis.defineCommand(slidingWindowCommand, { lua: script });
  const commands = redis as Redis & SlidingWindowCommand;
  return {
    run: async (call) => {
      const keys: string[] = [];
      const args: (string | number)[] = [
        call.windowMs,
        call.requestId,
        call.records.length,
        call.settlements.length,
        call.leaseMs,
      ];
      for (const settlement of call.settlements) {
        keys.push(settlement.log, settlement.sum);
        args.push(
          settlement.kind === 'requests' ? 'r' : 't',
          settlement.id,
          settlement.size,
          settlement.used,
          settlement.usedAt?.join(',') ?? '',
        );
      }
      for (const record of call.records) {
        keys.push(record.log, record.sum);
        args.push(`${record.id}:${record.amount}`, record.amount, record.ageMs);
      }
      for (const bucket of call.buckets) {
        keys.push(bucket.log, bucket.sum);
        args.push(bucket.kind === 'requests' ? 'r' : 't', bucket.limit, bucket.need, bucket.want);
      }
      const reply = await commands[slidingWindowCommand](keys.length, ...keys, ...args);
      return readReply(reply, call.settlements.length, call.records.length, call.buckets.length);
    },
  };
}

/** Per entry of a settlement or record: undefined when it is done, else Redis's error. */
function readOutcome(outcome: unknown): string | undefined {
  if (outcome === 1) return undefined;
  if (typeof outcome === 'string') return outcome;
  throw unexpected();
}

const FIGURES_PER_BUCKET = 5;

function readReply(reply: unknown, settlements: number, records: number, buckets: number): ScriptReply {
  if (!Array.isArray(reply) || reply.length < settlements + records) throw unexpected();
  const settlementErrors = reply.slice(0, settlements).map(readOutcome);
  const recordErrors = reply.slice(settlements, settlements + records).map(readOutcome);
  const rest: unknown[] = reply.slice(settlements + records);
  if (buckets === 0) {
    if (rest.length !== 0) throw unexpected();
    return { settlementErrors, recordErrors, admission: undefined };
  }
  if (rest.length === 1 && typeof rest[0] === 'string')
    return { settlementErrors, recordErrors, admission: { error: rest[0] } };
  if (
    rest.length !== 2 + FIGURES_PER_BUCKET * buckets ||
    !rest.every((value): value is number => Number.isInteger(value))
  ) {
    throw unexpected();
  }
  const figures = rest as number[];
  return {
    settlementErrors,
    recordErrors,
    admission: {
      allowed: figures[0] === 1,
      now: figures[1]!,
      buckets: Array.from({ length: buckets }, (_, index) => {
        const at = 2 + FIGURES_PER_BUCKET * index;
        return {
          fits: figures[at] === 1,
          total: figures[at + 1]!,
          resetMs: figures[at + 2]!,
          waitMs: figures[at + 3]!,
          granted: figures[at + 4]!,
        };
      }),
    },
  };
}

function unexpected(): RateLimiterUnavailableError {
  return new RateLimiterUnavailableError('rate limiter: unexpected reply from the Redis script');
}
