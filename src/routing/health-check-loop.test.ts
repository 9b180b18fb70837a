import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ChannelRow } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import type { ChannelChecker } from './channel-checker.ts';
import type { ChannelHealth } from './channel-health.ts';
import { HealthCheckLoop } from './health-check-loop.ts';

/** Channels the gateway disabled (so each round tests them). */
const disabled = (id: number) => ({ id, enabled: 0, disabled_reason: 'refused' }) as ChannelRow;

describe('the health check round', () => {
  it("tests every channel out of service even when one's test fails to be written", async () => {
    const store = {
      channels: { list: async () => [disabled(1), disabled(2), disabled(3)] },
    } as unknown as Store;
    const checked: number[] = [];
    const checker = {
      check: async (row: ChannelRow) => {
        checked.push(row.id);
        // As a database refusing the upstream's words did.
        if (row.id === 1) throw new Error('invalid byte sequence for encoding "UTF8": 0x00');
        return { ok: true };
      },
    } as unknown as ChannelChecker;
    const loop = new HealthCheckLoop(store, {} as ChannelHealth, checker, pino({ level: 'silent' }));
    expect(await loop.runOnce()).toEqual([1, 2, 3]);
    expect(checked).toEqual([1, 2, 3]);
  });
});
