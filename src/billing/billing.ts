import { GatewayError } from '../core/gateway-error.ts';
import type { BatchWriter } from '../observability/batch-writer.ts';
import type { KeyContext } from '../relay/key-context.ts';
import { computeCharge, type ChargeTokens } from './compute-charge.ts';
import type { CreditLease, CreditLeases } from './credit-leases.ts';
import type { CreditLedger, Settlement } from './credit-ledger.ts';
import { formatCredits } from './format-credits.ts';
import { isFree, type ModelPrice } from './model-price.ts';
import type { PriceBook } from './price-book.ts';

/** The credits side of one request: what was held for it, and at what price. */
export interface CreditHold {
  userId: number;
  keyId: number;
  requestId: string;
  /** When the hold was placed (ms since the epoch). */
  heldAt: number;
  /** Micro-credits held (0 for a free request, which places no hold). */
  held: number;
  /** The user's balance right after the hold. */
  balance: number;
  price: ModelPrice;
  multiplierPpm: number;
  /** Set once the hold is settled or released: a second close changes nothing. */
  closed: boolean;
  /** PostgreSQL/MySQL: the lease the hold was placed under, in memory (see CreditLeases). */
  lease?: CreditLease;
}

/**
 * A priced request holds at least one micro-credit, even when its worst case comes to nothing (an
 * image model priced by the token, whose tokens are known only after): it is still checked against
 * the balance and the key's credit limit. Only a free model or a free group (0×) places no hold.
 */
const leastHold = (worst: number, multiplierPpm: number): number =>
  worst === 0 && multiplierPpm > 0 ? 1 : worst;

/** How long a free request's `X-Credits-Remaining` may show a balance read earlier. */
const BALANCE_CACHE_MS = 1_000;

/**
 * Credits on the request path (API.md 4): a hold for the worst case before the upstream is called,
 * then a settlement to the real cost, queued and written in batches off the request path. Holds are
 * exact: on PostgreSQL and MySQL the database refuses an overdraft (a node that dies before writing
 * its settlements has overcharged, never undercharged); on SQLite, whose one gateway process is the
 * only writer, a hold is a reservation in memory written with its settlement (a process that dies
 * has charged nothing for the requests it had in flight).
 */
export class Billing {
  #balances = new Map<number, { balance: number; at: number }>();

  constructor(
    private readonly ledger: CreditLedger,
    private readonly prices: PriceBook,
    private readonly settlements: BatchWriter<Settlement>,
    /** PostgreSQL/MySQL: requests' holds under per-node leases when the balance is far above them. */
    private readonly leases?: CreditLeases,
  ) {}

  /** Holds the worst case of a request for `model`, or refuses with 402 in the client's format. */
  async hold(key: KeyContext, model: string, worst: ChargeTokens, requestId: string): Promise<CreditHold> {
    const price = this.prices.priceOf(model);
    const multiplierPpm = this.prices.multiplierOf(key.group);
    const amount = isFree(price) ? 0 : leastHold(computeCharge(price, worst, multiplierPpm), multiplierPpm);
    const heldAt = Date.now();
    const made = (held: number, balance: number): CreditHold => ({
      userId: key.userId,
      keyId: key.keyId,
      requestId,
      heldAt,
      held,
      balance,
      price,
      multiplierPpm,
      closed: false,
    });
    if (amount === 0) return made(0, await this.#cachedBalance(key.userId));
    const input = { userId: key.userId, keyId: key.keyId, amount, keyLimit: key.creditLimit, requestId };
    const { outcome, lease } = this.leases
      ? await this.leases.hold(input)
      : { outcome: await this.ledger.hold(input), lease: undefined };
    this.#balances.set(key.userId, { balance: outcome.balance, at: heldAt });
    if (!outcome.ok) {
      const message =
        outcome.reason === 'key_limit'
          ? `This request may cost up to ${formatCredits(amount)} credits, more than is left of this API key's credit limit of ${formatCredits(key.creditLimit ?? 0)}`
          : `Insufficient credits: this request may cost up to ${formatCredits(amount)} credits and the balance is ${formatCredits(outcome.balance)}`;
      throw new GatewayError(402, 'insufficient_credits', message, {
        headers: { 'x-credits-consumed': '0', 'x-credits-remaining': String(outcome.balance) },
      });
    }
    const hold = made(amount, outcome.balance);
    if (lease) hold.lease = lease;
    return hold;
  }

  /** What `tokens` cost at the hold's price. */
  chargeFor(hold: CreditHold, tokens: ChargeTokens): number {
    return isFree(hold.price) ? 0 : computeCharge(hold.price, tokens, hold.multiplierPpm);
  }

  /** Closes the hold at `charged` micro-credits (0: a failed request, refunded whole). */
  settle(hold: CreditHold, charged: number): void {
    if (hold.closed) return;
    hold.closed = true;
    if (hold.held === 0 && charged === 0) return;
    if (hold.lease) {
      this.leases?.release(hold.lease, hold, charged);
      return;
    }
    this.settlements.enqueue({
      userId: hold.userId,
      keyId: hold.keyId,
      held: hold.held,
      charged,
      requestId: hold.requestId,
      heldAt: hold.heldAt,
    });
  }

  async #cachedBalance(userId: number): Promise<number> {
    const now = Date.now();
    const cached = this.#balances.get(userId);
    if (cached && now - cached.at < BALANCE_CACHE_MS) return cached.balance;
    const balance = await this.ledger.balanceOf(userId);
    if (this.#balances.size > 100_000) this.#balances.clear();
    this.#balances.set(userId, { balance, at: now });
    return balance;
  }
}
