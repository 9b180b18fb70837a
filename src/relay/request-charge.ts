import type { Billing } from '../billing/billing.ts';
import { settledUsage, type RelayRecord } from './relay-record.ts';

/**
 * What the request costs, once it is over (or, for a whole response, once its body is read): the
 * settled usage at the hold's price, images by the images made. A request no upstream answered
 * costs nothing. Worked out once and kept on the record, so the header and the ledger agree.
 */
export function requestCharge(billing: Billing, record: RelayRecord): number {
  const admission = record.admission;
  if (!admission) return 0;
  if (admission.charged !== undefined) return admission.charged;
  let charged = 0;
  if (record.firstByteMs !== null) {
    const { usage } = settledUsage(record);
    charged = billing.chargeFor(admission.hold, {
      inputTokens: usage?.inputTokens ?? 0,
      cachedInputTokens: usage?.cachedInputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      requests: record.kind === 'images' ? (record.units ?? 1) : 1,
    });
  }
  admission.charged = charged;
  return charged;
}

/**
 * The client got an error and none of the answer (an upstream reply that could not be decoded, say):
 * the request failed, so it costs nothing, whatever the upstream sent before it failed.
 */
export function chargeNothing(record: RelayRecord): void {
  if (record.admission) record.admission.charged = 0;
}

/**
 * `X-Credits-Consumed` and `X-Credits-Remaining` (API.md 1.3). A whole answer shows its real charge;
 * a stream, whose charge is known only at its end, shows the hold (the final figure is in the log).
 */
export function creditHeaders(billing: Billing, record: RelayRecord, final: boolean): Record<string, string> {
  const admission = record.admission;
  if (!admission) return {};
  const { held, balance } = admission.hold;
  if (!final) return { 'x-credits-consumed': String(held), 'x-credits-remaining': String(balance) };
  const charged = requestCharge(billing, record);
  return {
    'x-credits-consumed': String(charged),
    'x-credits-remaining': String(Math.max(0, balance + held - charged)),
  };
}
