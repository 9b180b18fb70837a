/**
 * A duration as OpenAI writes `x-ratelimit-reset-*` (Go's duration format): `0s`, `250ms`, `1s`,
 * `8.64s`, `6m0s`, `1h0m0s`. Milliseconds are whole; seconds keep up to three decimals.
 */
export function formatResetDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  // Whole milliseconds, so the fraction is written with integer arithmetic, its trailing zeros cut.
  const millis = total % 60_000;
  const whole = Math.floor(millis / 1000);
  let fraction = millis % 1000;
  let digits = 3;
  while (fraction !== 0 && fraction % 10 === 0) {
    fraction /= 10;
    digits -= 1;
  }
  const secondsText = fraction === 0 ? `${whole}s` : `${whole}.${String(fraction).padStart(digits, '0')}s`;
  if (hours > 0) return `${hours}h${minutes}m${secondsText}`;
  if (minutes > 0) return `${minutes}m${secondsText}`;
  return secondsText;
}
