import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CreditLedger } from '../billing/credit-ledger.ts';
import { redeemCode } from '../billing/redeem-code.ts';
import { GatewayError } from '../core/gateway-error.ts';
import { hashSecret } from '../security/api-key.ts';
import { randomBase62 } from '../security/random-token.ts';
import type { RedemptionCodeRow } from '../store/credit-tables.ts';
import type { RedemptionCodesRepository } from '../store/redemption-codes-repository.ts';
import type { Store } from '../store/store.ts';
import { microCreditsField } from './credit-fields.ts';
import { ok } from './envelope.ts';
import { pageQueryFields } from './page-query.ts';
import { idParam } from './id-param.ts';
import { parseInput } from './parse-input.ts';
import { requireAdmin, requireUser } from './session-auth.ts';
import { noControlCharacters, noControlCharactersMessage } from './text-checks.ts';
import { isoTime, refusePast, timeInput } from './time-input.ts';

export interface RedemptionRouteDeps {
  store: Store;
  ledger: CreditLedger;
  codes: RedemptionCodesRepository;
}

const createBody = z.strictObject({
  name: z.string().trim().min(1).max(255).refine(noControlCharacters, noControlCharactersMessage),
  /** Micro-credits each code is worth. */
  amount: microCreditsField.min(1),
  count: z.number().int().min(1).max(100).default(1),
  expires_at: timeInput.nullable().optional(),
});

const listQuery = z.strictObject({
  redeemed: z.enum(['true', 'false']).optional(),
  ...pageQueryFields,
});

const redeemBody = z.strictObject({ code: z.string().trim().min(1).max(128) });

/** `rc-` and 32 base62 characters: far beyond guessing. Stored only as a SHA-256 hash. */
const generateCode = (): string => `rc-${randomBase62(32)}`;
const maskCode = (code: string): string => `${code.slice(0, 7)}…${code.slice(-4)}`;

const publicCode = (row: RedemptionCodeRow) => ({
  id: row.id,
  name: row.name,
  masked: row.masked,
  amount: Number(row.amount),
  created_by: row.created_by,
  created_at: isoTime(row.created_at),
  expires_at: isoTime(row.expires_at),
  redeemed_by: row.redeemed_by,
  redeemed_at: isoTime(row.redeemed_at),
});

/**
 * `/api/redemption/` (admins: create, list, delete unused codes) and `POST /api/user/redeem` (any
 * user). A code is shown once, at creation; redeeming it credits the user through the ledger.
 */
export function registerRedemptionRoutes(app: FastifyInstance, deps: RedemptionRouteDeps): void {
  const { store, ledger, codes } = deps;

  app.post('/redemption/', async (request) => {
    const admin = await requireAdmin(store, request);
    const input = parseInput(createBody, request.body);
    refusePast(input.expires_at);
    const plain = Array.from({ length: input.count }, generateCode);
    const ids = await codes.createMany(
      plain.map((code) => ({
        codeHash: hashSecret(code),
        masked: maskCode(code),
        name: input.name,
        amount: input.amount,
        createdBy: admin.id,
        expiresAt: input.expires_at ?? null,
      })),
    );
    return ok(
      plain.map((code, index) => ({
        id: ids[index],
        code,
        name: input.name,
        amount: input.amount,
        expires_at: isoTime(input.expires_at ?? null),
      })),
      'Codes created; they are shown only now',
    );
  });

  app.get('/redemption/', async (request) => {
    await requireAdmin(store, request);
    const query = parseInput(listQuery, request.query, 'query');
    const limit = query.limit ?? 50;
    const rows = await codes.list({
      beforeId: query.before_id,
      limit,
      redeemed: query.redeemed === undefined ? undefined : query.redeemed === 'true',
    });
    return ok({
      items: rows.map(publicCode),
      next_before_id: rows.length === limit ? rows.at(-1)!.id : null,
    });
  });

  app.delete<{ Params: { id: string } }>('/redemption/:id', async (request) => {
    await requireAdmin(store, request);
    if (!(await codes.deleteUnredeemed(idParam(request.params.id, 'redemption code')))) {
      throw new GatewayError(404, 'not_found', `No unused redemption code with id '${request.params.id}'`);
    }
    return ok(null, 'Code deleted');
  });

  app.post('/user/redeem', async (request) => {
    const user = await requireUser(store, request);
    const { code } = parseInput(redeemBody, request.body);
    const result = await redeemCode(store.db, codes, ledger, code, user.id);
    return ok(result, 'Code redeemed');
  });
}
