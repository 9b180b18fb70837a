import type { Redis } from 'ioredis';

/*
 * Each bucket is two keys: a sorted set (the log: member per entry, score = Redis time in ms) and a
 * running total for tokens buckets (a requests bucket's total is the set's size). Members are
 * `<unique id>` for requests and `<unique id>:<amount>` for tokens, so pruning knows what leaves.
 * The clock is Redis TIME, read inside the script: every node sees one clock, whatever its own says.
 * Keys get a PEXPIRE of one window on every write, so idle buckets vanish by themselves.
 */

/** Prunes one bucket and returns what it holds; `start` is the newest time that has left. */
const pruneFunction = `
local function prune(log, sum, tokens, start)
  if tokens then
    local gone = redis.call('ZRANGEBYSCORE', log, '-inf', start)
    if #gone > 0 then
      local removed = 0
      for _, member in ipairs(gone) do
        removed = removed + tonumber(string.match(member, ':(%d+)$'))
      end
      redis.call('ZREMRANGEBYSCORE', log, '-inf', start)
      if redis.call('EXISTS', log) == 1 then
        redis.call('DECRBY', sum, removed)
      end
    end
    if redis.call('EXISTS', log) == 0 then
      redis.call('DEL', sum)
      return 0
    end
    return tonumber(redis.call('GET', sum) or '0')
  end
  redis.call('ZREMRANGEBYSCORE', log, '-inf', start)
  return redis.call('ZCARD', log)
end
local function clock()
  -- Redis before 5 replicates scripts verbatim and refuses writes after TIME unless told otherwise.
  if redis.replicate_commands then redis.replicate_commands() end
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
`;

/**
 * KEYS: per bucket, its log then its total. ARGV: window ms, the entry's unique member, then per
 * bucket its kind (`r`/`t`), limit and need. Returns `[allowed, per bucket: fits, total, reset ms,
 * wait ms]`; when every bucket fits, the requests buckets record one entry each.
 */
const admitScript = `${pruneFunction}
local window = tonumber(ARGV[1])
local member = ARGV[2]
local now = clock()
local start = now - window
local count = #KEYS / 2
local totals, fits = {}, {}
local allowed = 1
for i = 1, count do
  local tokens = ARGV[3 * i] == 't'
  local limit = tonumber(ARGV[3 * i + 1])
  local need = tonumber(ARGV[3 * i + 2])
  totals[i] = prune(KEYS[2 * i - 1], KEYS[2 * i], tokens, start)
  fits[i] = totals[i] + need <= limit
  if not fits[i] then allowed = 0 end
end
if allowed == 1 then
  for i = 1, count do
    if ARGV[3 * i] == 'r' then
      redis.call('ZADD', KEYS[2 * i - 1], now, member)
      redis.call('PEXPIRE', KEYS[2 * i - 1], window)
      totals[i] = totals[i] + 1
    end
  end
end
local result = { allowed }
for i = 1, count do
  local log = KEYS[2 * i - 1]
  local limit = tonumber(ARGV[3 * i + 1])
  local need = tonumber(ARGV[3 * i + 2])
  local reset, wait = 0, 0
  local oldest = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
  if #oldest > 0 then reset = tonumber(oldest[2]) + window - now end
  if not fits[i] then
    wait = window
    if ARGV[3 * i] == 'r' then
      local leaving = redis.call('ZRANGE', log, totals[i] + need - limit - 1, totals[i] + need - limit - 1, 'WITHSCORES')
      if #leaving > 0 then wait = tonumber(leaving[2]) + window - now end
    else
      local total = totals[i]
      local entries = redis.call('ZRANGE', log, 0, -1, 'WITHSCORES')
      for j = 1, #entries, 2 do
        total = total - tonumber(string.match(entries[j], ':(%d+)$'))
        if total + need <= limit then
          wait = tonumber(entries[j + 1]) + window - now
          break
        end
      end
    end
  end
  table.insert(result, fits[i] and 1 or 0)
  table.insert(result, totals[i])
  table.insert(result, math.max(0, reset))
  table.insert(result, math.max(0, wait))
end
return result
`;

/** KEYS: the bucket's log and total. ARGV: window ms, unique id, amount (a positive integer). */
const recordScript = `${pruneFunction}
local window = tonumber(ARGV[1])
local now = clock()
prune(KEYS[1], KEYS[2], true, now - window)
redis.call('ZADD', KEYS[1], now, ARGV[2] .. ':' .. ARGV[3])
redis.call('INCRBY', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
redis.call('PEXPIRE', KEYS[2], window)
return 1
`;

const admitCommand = 'switchboardRateLimitAdmit';
const recordCommand = 'switchboardRateLimitRecord';

interface SlidingWindowCommands {
  [admitCommand](keyCount: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  [recordCommand](log: string, sum: string, windowMs: number, id: string, amount: number): Promise<unknown>;
}

/** The two scripts as ioredis commands on `redis` (EVALSHA, loading the script when Redis lacks it). */
export interface RedisSlidingWindow {
  admit(keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
  record(log: string, sum: string, windowMs: number, id: string, amount: number): Promise<unknown>;
}

export function defineSlidingWindow(redis: Redis): RedisSlidingWindow {
  redis.defineCommand(admitCommand, { lua: admitScript });
  redis.defineCommand(recordCommand, { numberOfKeys: 2, lua: recordScript });
  const commands = redis as Redis & SlidingWindowCommands;
  return {
    admit: (keys, args) => commands[admitCommand](keys.length, ...keys, ...args),
    record: (log, sum, windowMs, id, amount) => commands[recordCommand](log, sum, windowMs, id, amount),
  };
}
