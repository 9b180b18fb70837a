import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CreditLedger } from '../billing/credit-ledger.ts';
import { GatewayError } from '../core/gateway-error.ts';
import type { LedgerRow } from '../store/credit-tables.ts';
import type { Store } from '../store/store.ts';
import { ok } from './envelope.ts';
import { pageQueryFields } from './page-query.ts';
import { idParam } from './id-param.ts';
import { parseInput } from './parse-input.ts';
import { requireAdmin, requireUser } from './session-auth.ts';
import { isoTime } from './time-input.ts';

const pageQuery = z.strictObject(pageQueryFields);

const publicEntry = (row: LedgerRow) => ({
  id: row.id,
  kind: row.kind,
  amount: Number(row.amount),
  token_id: row.api_key_id,
  request_id: row.request_id,
  note: row.note,
  created_at: isoTime(Number(row.created_at)),
});

/**
 * The credit ledger: `GET /api/user/self/ledger` (your own rows) and `GET /api/user/{id}/ledger`
 * (admins). Rows are signed micro-credits and sum to the balance.
 */
export function registerLedgerRoutes(
  app: FastifyInstance,
  deps: { store: Store; ledger: CreditLedger },
): void {
  const { store, ledger } = deps;

  const page = async (userId: number, query: unknown) => {
    const { before_id: beforeId, limit = 50 } = parseInput(pageQuery, query, 'query');
    const rows = await ledger.list(userId, beforeId, limit);
    return ok({
      items: rows.map(publicEntry),
      next_before_id: rows.length === limit ? rows.at(-1)!.id : null,
    });
  };

  app.get('/user/self/ledger', async (request) => {
    const user = await requireUser(store, request);
    return page(user.id, request.query);
  });

  app.get<{ Params: { id: string } }>('/user/:id/ledger', async (request) => {
    await requireAdmin(store, request);
    const id = idParam(request.params.id, 'user');
    if (!(await store.users.findById(id)))
      throw new GatewayError(404, 'not_found', `No user with id '${id}'`);
    return page(id, request.query);
  });
}
