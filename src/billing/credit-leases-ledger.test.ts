import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { announceSkipped, testBackends } from '../../test/support/test-databases.ts';
import { BatchWriter } from '../observability/batch-writer.ts';
import type { Settlement } from './credit-ledger.ts';
import { CreditLeases, type LeasedHold } from './credit-leases.ts';
import {
  createPayer,
  keyUsed,
  ledgerSum,
  storedBalance,
  useLedgerDatabase,
} from './ledger-accounts.test-support.ts';

// Leases are taken where a hold is a committed write: PostgreSQL and MySQL/MariaDB.
for (const backend of testBackends.filter((candidate) => candidate.name !== 'sqlite')) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`credit leases on ${backend.name}`, () => {
    const db = useLedgerDatabase(backend);

    /** One gateway node's leases, settling through a batch writer of its own. */
    function node() {
      const settlements = new BatchWriter<Settlement>(
        { insertMany: (rows) => db.ledger.settle(rows) },
        pino({ level: 'silent' }),
        {
          label: 'credit settlement',
          batchSize: 100,
          flushIntervalMs: 20,
        },
      );
      const leases = new CreditLeases(
        (input) => db.ledger.hold(input),
        (settlement) => settlements.enqueue(settlement),
        { holdsPerLease: 16, balanceInLeases: 10 },
      );
      /** Gives back every lease and writes every settlement, as the gateway does when it stops. */
      const stop = async () => {
        await leases.closeAll();
        await settlements.close();
      };
      return { leases, settlements, stop };
    }

    /** A request's end: under its lease, or settled on its own like any hold. */
    function finish(
      n: ReturnType<typeof node>,
      held: LeasedHold,
      input: { amount: number; requestId: string },
      charged: number,
      userId: number,
      keyId: number,
    ) {
      if (held.lease)
        n.leases.release(held.lease, { requestId: input.requestId, held: input.amount, heldAt: 0 }, charged);
      else n.settlements.enqueue({ userId, keyId, held: input.amount, charged, requestId: input.requestId });
    }

    it('charges every request exactly what it cost, in few ledger rows, across two nodes', async () => {
      const start = 100_000_000;
      const { userId, keyIds } = await createPayer(db.store, db.ledger, start);
      const keyId = keyIds[0]!;
      const nodes = [node(), node()];
      let expected = 0;
      let served = 0;
      // Each node first learns the balance from a hold of its own (a node leases only once it has).
      for (const [index, n] of nodes.entries()) {
        const input = { userId, keyId, amount: 10_000, keyLimit: null, requestId: `w-${index}` };
        const held = await n.leases.hold(input);
        expect(held.lease).toBeUndefined();
        expected += 5;
        finish(n, held, input, 5, userId, keyId);
      }
      await Promise.all(
        Array.from({ length: 400 }, async (_, index) => {
          const n = nodes[index % 2]!;
          const input = { userId, keyId, amount: 10_000, keyLimit: null, requestId: `r-${index}` };
          const held = await n.leases.hold(input);
          expect(held.outcome.ok).toBe(true);
          served += 1;
          const charged = 1 + (index % 97);
          expected += charged;
          await new Promise((resolve) => setTimeout(resolve, index % 5));
          finish(n, held, input, charged, userId, keyId);
        }),
      );
      for (const n of nodes) await n.stop();
      expect(served).toBe(400);
      expect(await storedBalance(db.store, userId)).toBe(start - expected);
      expect(await ledgerSum(db.store, userId)).toBe(start - expected);
      expect(await keyUsed(db.store, keyId)).toBe(expected);
      const holds = await db.store.db
        .selectFrom('credit_ledger')
        .select('request_id')
        .where('user_id', '=', userId)
        .where('kind', '=', 'hold')
        .execute();
      // One request held on its own per node, then leases of 16 requests' worth.
      expect(holds.length).toBeLessThan(80);
      expect(holds.some((row) => row.request_id?.startsWith('lease-'))).toBe(true);
    });

    it('holds a balance that is not far above a lease request by request, and refuses exactly', async () => {
      const { userId, keyIds } = await createPayer(db.store, db.ledger, 50 * 1_000);
      const keyId = keyIds[0]!;
      const n = node();
      // The node learns the balance first (from a hold it gives back whole), as it would in service.
      const warm = { userId, keyId, amount: 1_000, keyLimit: null, requestId: 'warm' };
      finish(n, await n.leases.hold(warm), warm, 0, userId, keyId);
      await n.settlements.flush();
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          n.leases.hold({ userId, keyId, amount: 1_000, keyLimit: null, requestId: `s-${index}` }),
        ),
      );
      expect(outcomes.filter((held) => held.outcome.ok)).toHaveLength(50);
      expect(outcomes.some((held) => held.lease)).toBe(false);
      expect(await storedBalance(db.store, userId)).toBe(0);
      await n.stop();
    });

    it('gives a lease back whole when its requests cost nothing', async () => {
      const start = 10_000_000;
      const { userId, keyIds } = await createPayer(db.store, db.ledger, start);
      const keyId = keyIds[0]!;
      const n = node();
      const direct = { userId, keyId, amount: 1_000, keyLimit: null, requestId: 'first' };
      finish(n, await n.leases.hold(direct), direct, 0, userId, keyId);
      const inputs = Array.from({ length: 5 }, (_, index) => ({
        userId,
        keyId,
        amount: 1_000,
        keyLimit: null,
        requestId: `z-${index}`,
      }));
      const held = await Promise.all(inputs.map((input) => n.leases.hold(input)));
      expect(held.every((leased) => leased.lease)).toBe(true);
      held.forEach((leased, index) => finish(n, leased, inputs[index]!, 0, userId, keyId));
      await n.stop();
      expect(await storedBalance(db.store, userId)).toBe(start);
      expect(await ledgerSum(db.store, userId)).toBe(start);
      expect(await keyUsed(db.store, keyId)).toBe(0);
      const kinds = await db.store.db
        .selectFrom('credit_ledger')
        .select(['kind', 'amount'])
        .where('user_id', '=', userId)
        .where('request_id', 'like', 'lease-%')
        .execute();
      expect(kinds.map((row) => [row.kind, Number(row.amount)])).toEqual([
        ['hold', -16_000],
        ['refund', 16_000],
      ]);
    });
  });
}
