/** Micro-credits as credits for people: `1500000` → `1.5`, `25` → `0.000025`. Exact, no floating point. */
export function formatCredits(microCredits: number): string {
  const sign = microCredits < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(microCredits))).padStart(7, '0');
  const whole = digits.slice(0, -6);
  const fraction = digits.slice(-6).replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}
