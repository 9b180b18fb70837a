import type { NewChannel } from './channels-repository.ts';

/** A channel as the store keeps it (its key already sealed), for repository tests. */
export const channelRow = (overrides: Partial<NewChannel> = {}): NewChannel => ({
  name: 'c',
  provider: 'openai',
  base_url: 'http://x/v1',
  api_key_sealed: 'sealed',
  models: '["m"]',
  groups: '["default"]',
  model_map: '{}',
  priority: 0,
  weight: 1,
  enabled: 1,
  ...overrides,
});
