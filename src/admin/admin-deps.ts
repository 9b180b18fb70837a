import type { CreditLedger } from '../billing/credit-ledger.ts';
import type { ClusterCaches } from '../cluster/cluster-caches.ts';
import type { ModelCatalog } from '../catalog/model-catalog.ts';
import type { Config } from '../config.ts';
import type { LogBodyPolicy } from '../observability/log-body-policy.ts';
import type { ApiKeyCache } from '../relay/api-key-cache.ts';
import type { ChannelRegistry } from '../relay/channel-registry.ts';
import type { RoutingServices } from '../routing/routing-services.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { Store } from '../store/store.ts';

export interface AdminDeps {
  config: Config;
  store: Store;
  secretBox: SecretBox;
  keyCache: ApiKeyCache;
  registry: ChannelRegistry;
  /** Channel health and tests (GET /api/channel/ figures, POST /api/channel/{id}/test). */
  routing: RoutingServices;
  catalog: ModelCatalog;
  /** Told of every settings change, so bodies are kept (or not) from the next request on. */
  logBodies: LogBodyPolicy;
  /** Balances and the ledger: top-ups, signup credits, redemptions. */
  ledger: CreditLedger;
  /** This node's caches (keys, channels, models, prices, settings, users), refreshed on every node after a write. */
  caches: ClusterCaches;
  /** Where rate limits and cache broadcasts live (memory, or Redis shared by every node), and whether it answers. */
  limitsHealth: () => Promise<{ backend: 'memory' | 'redis'; status: 'ok' | 'unavailable' }>;
  startedAt: number;
  version: string;
}
