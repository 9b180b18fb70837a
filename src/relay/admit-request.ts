import type { Billing, CreditHold } from '../billing/billing.ts';
import type { ChargeTokens } from '../billing/compute-charge.ts';
import type { Plan, PlanBook } from '../billing/plan-book.ts';
import type { CatalogModel } from '../catalog/catalog-model.ts';
import { GatewayError, isGatewayError } from '../core/gateway-error.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import { admitOrUnavailable } from './admit-or-unavailable.ts';
import { rateLimitHeaders } from '../limits/rate-limit-headers.ts';
import type { BucketCheck, RateLimiter } from '../limits/rate-limiter.ts';
import type { KeyContext } from './key-context.ts';
import type { RoomForecast } from '../limits/room-forecast.ts';

/** What admission needs: the limiter, the plans, and credits. */
export interface AdmissionDeps {
  limiter: RateLimiter;
  plans: PlanBook;
  billing: Billing;
  /** The limiter's recent answers, to overlap a remote limiter's round trip with the credit hold. */
  forecast: RoomForecast;
  /** Counts refusals by what refused (key, plan, credits). */
  metrics: Pick<GatewayMetrics, 'countRateLimitRefusal' | 'countCreditRefusal'>;
}

/** A request let through: its credit hold, the token buckets to add its usage to, and its headers. */
export interface AdmittedRequest {
  hold: CreditHold;
  tokenBuckets: string[];
  /** `x-ratelimit-*` for the response. */
  headers: Record<string, string>;
  /** What the request cost, once known (see `requestCharge`). */
  charged?: number;
  /**
   * Set when the request was let go upstream while the limiter still decided (`onRefused` given):
   * resolves once it let the request through (`headers` then set), rejects with its refusal. See
   * `limiterRefusal`: nothing may reach the client before it is decided.
   */
  limiterDecision?: Promise<void>;
}

/**
 * The limiter's refusal of a request it was still deciding when the request went upstream, once
 * decided; undefined when it let the request through (or had decided before).
 */
export async function limiterRefusal(admitted: AdmittedRequest | undefined): Promise<unknown> {
  if (admitted?.limiterDecision === undefined) return undefined;
  try {
    await admitted.limiterDecision;
    return undefined;
  } catch (refusal) {
    return refusal;
  }
}

/** Whether the plan lets its users call `model` (by id, or by one of the model's groups). */
function planAllows(plan: Plan, modelId: string, entry: CatalogModel | undefined): boolean {
  if (plan.models === null && plan.groups === null) return true;
  if (plan.models?.has(modelId)) return true;
  if (plan.groups === null) return false;
  // A model every group may see is in every group's set.
  const groups = entry?.groups ?? null;
  return groups === null || groups.some((group) => plan.groups!.includes(group));
}

/** The limits that apply: the key's own and its user's plan (a key's own can only lower the plan's). */
function bucketsFor(key: KeyContext, plan: Plan | null, inputEstimate: number): BucketCheck[] {
  const buckets: BucketCheck[] = [];
  if (key.rpm !== null) buckets.push({ id: `key:${key.keyId}:rpm`, kind: 'requests', limit: key.rpm });
  if (plan?.rpm != null) buckets.push({ id: `user:${key.userId}:rpm`, kind: 'requests', limit: plan.rpm });
  if (key.tpm !== null) {
    buckets.push({ id: `key:${key.keyId}:tpm`, kind: 'tokens', limit: key.tpm, estimate: inputEstimate });
  }
  if (plan?.tpm != null) {
    buckets.push({ id: `user:${key.userId}:tpm`, kind: 'tokens', limit: plan.tpm, estimate: inputEstimate });
  }
  return buckets;
}

/**
 * The checks between routing and the upstream call (DESIGN: authenticate → check limits → hold
 * credits): the plan's models (403), the key's and plan's requests and tokens per minute (429 with
 * `Retry-After`), then a credit hold for the worst case (402). Each refusal is in the client's format.
 *
 * When the limiter answers over a round trip (Redis) and its recent answers leave these buckets
 * plenty of room (`RoomForecast`), the hold is placed while the limiter decides rather than after:
 * the two round trips overlap. The outcome is the same as in order: a refusal by the limiter still
 * answers 429 (a hold placed meanwhile is given back whole), and a request refused for credits had
 * passed the limiter either way. Without `onRefused`, nothing is sent upstream before both have
 * answered. With it, the request is admitted once its hold is placed and the limiter's round trip
 * overlaps the upstream call as well (`limiterDecision`): the caller shows the client nothing
 * before it is decided, and a refusal calls `onRefused` (to abort the upstream call) and answers
 * 429 with the hold given back whole, as in order. Only a request far from its limits goes ahead
 * so, which another node could have brought to its limit within the forecast's two seconds: what
 * the client is refused is then an upstream call the operator may pay for, never a request over
 * the limit.
 */
export async function admitRequest(
  deps: AdmissionDeps,
  key: KeyContext,
  modelId: string,
  entry: CatalogModel | undefined,
  worst: ChargeTokens,
  requestId: string,
  onRefused?: () => void,
): Promise<AdmittedRequest> {
  const plan = deps.plans.planFor(key.plan, key.planExpiresAt);
  if (plan !== null && !planAllows(plan, modelId, entry)) {
    throw new GatewayError(
      403,
      'permission_denied',
      `Your plan '${plan.name}' does not include model '${modelId}'`,
      {
        param: 'model',
      },
    );
  }
  const buckets = bucketsFor(key, plan, worst.inputTokens);
  const tokenBuckets = buckets.filter((bucket) => bucket.kind === 'tokens').map((bucket) => bucket.id);
  const placeHold = () => deps.billing.hold(key, modelId, worst, requestId);
  try {
    if (buckets.length === 0) return { hold: await placeHold(), tokenBuckets, headers: {} };
    if (!deps.limiter.remote || !deps.forecast.expectsRoom(buckets)) {
      const headers = await checkLimits(deps, buckets, plan);
      return { hold: await placeHold(), tokenBuckets, headers };
    }
    if (onRefused) return await admitAhead(deps, buckets, plan, placeHold(), tokenBuckets, onRefused);
    const holding = placeHold();
    // Handled now: a refusal that comes while the limiter is still deciding is not left unheard.
    holding.catch(() => {});
    let headers: Record<string, string>;
    try {
      headers = await checkLimits(deps, buckets, plan);
    } catch (error) {
      const placed = await holding.catch(() => undefined);
      if (placed !== undefined) deps.billing.settle(placed, 0);
      throw error;
    }
    return { hold: await holding, tokenBuckets, headers };
  } catch (error) {
    if (isGatewayError(error) && error.code === 'insufficient_credits') deps.metrics.countCreditRefusal();
    throw error;
  }
}

/** Admitted once the hold is placed, the limiter deciding meanwhile (see `admitRequest`). */
async function admitAhead(
  deps: AdmissionDeps,
  buckets: BucketCheck[],
  plan: Plan | null,
  holding: Promise<CreditHold>,
  tokenBuckets: string[],
  onRefused: () => void,
): Promise<AdmittedRequest> {
  const deciding = checkLimits(deps, buckets, plan);
  // Handled now: each may fail while the other is awaited.
  deciding.catch(() => {});
  holding.catch(() => {});
  let hold: CreditHold;
  try {
    hold = await holding;
  } catch (error) {
    // Refused for credits: the limiter's refusal, if any, is the answer, as in order.
    await deciding;
    throw error;
  }
  const admitted: AdmittedRequest = { hold, tokenBuckets, headers: {} };
  admitted.limiterDecision = deciding.then(
    (headers) => {
      admitted.headers = headers;
    },
    (refusal: unknown) => {
      onRefused();
      throw refusal;
    },
  );
  admitted.limiterDecision.catch(() => {});
  return admitted;
}

/** The limiter's answer as headers, or a 429 (503 when it cannot answer and fails closed). */
async function checkLimits(
  deps: AdmissionDeps,
  buckets: BucketCheck[],
  plan: Plan | null,
): Promise<Record<string, string>> {
  const admission = await admitOrUnavailable(deps.limiter, { buckets });
  if (deps.limiter.remote) deps.forecast.note(admission);
  const headers = rateLimitHeaders(admission);
  if (admission.allowed) return headers;
  const refused = admission.buckets.find((bucket) => !bucket.allowed)!;
  const [owner, , unit] = refused.id.split(':');
  const whose = owner === 'key' ? 'this API key' : `your plan '${plan?.name ?? ''}'`;
  deps.metrics.countRateLimitRefusal(owner === 'key' ? 'key' : 'plan');
  throw new GatewayError(
    429,
    'rate_limited',
    `Rate limit reached: ${whose} allows ${refused.limit} ${unit === 'rpm' ? 'requests' : 'tokens'} per minute; retry after ${headers['retry-after']} s`,
    { headers },
  );
}
