import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import type { InvalidationBus } from './invalidation-bus.ts';
import { MemoryInvalidationBus, MemoryInvalidationHub } from './memory/memory-invalidation-bus.ts';
import { RedisInvalidationBus } from './redis/redis-invalidation-bus.ts';
import { connectTestRedis, testRedisUrl, uniqueTestPrefix } from './redis/test-redis.test-support.ts';

/** Buses standing for gateway nodes that hear each other. */
export interface BusCluster {
  buses: InvalidationBus[];
  close(): Promise<void>;
}

export interface BusBackend {
  name: 'memory' | 'redis';
  create: ((nodes: number, logger?: Logger) => Promise<BusCluster>) | undefined;
}

const quietLogger = () => pino({ level: 'silent' });

async function createMemory(nodes: number, logger = quietLogger()): Promise<BusCluster> {
  const hub = new MemoryInvalidationHub();
  const buses = Array.from({ length: nodes }, () => new MemoryInvalidationBus({ logger, hub }));
  return { buses, close: async () => void (await Promise.all(buses.map((bus) => bus.close()))) };
}

async function createRedis(nodes: number, logger = quietLogger()): Promise<BusCluster> {
  const keyPrefix = uniqueTestPrefix();
  const connections: Redis[] = [];
  const buses: InvalidationBus[] = [];
  for (let index = 0; index < nodes; index++) {
    const connection = await connectTestRedis(`switchboard-test-bus-${index}`);
    connections.push(connection);
    const bus = new RedisInvalidationBus(connection, { keyPrefix, logger });
    await bus.ready();
    buses.push(bus);
  }
  return {
    buses,
    close: async () => {
      await Promise.all(buses.map((bus) => bus.close()));
      await Promise.all(connections.map((connection) => connection.quit()));
    },
  };
}

/** Memory always; Redis when TEST_REDIS_URL is set. */
export const busBackends: BusBackend[] = [
  { name: 'memory', create: createMemory },
  { name: 'redis', create: testRedisUrl ? createRedis : undefined },
];
