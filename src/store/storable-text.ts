import { fitText } from './fit-log-row.ts';
import { postgresText } from './postgres-text.ts';

/**
 * Text from outside (an upstream's error message) as every database stores it: NUL and lone
 * surrogates as U+FFFD (PostgreSQL refuses both, and a refused write left a channel enabled that
 * should have been disabled, or stopped a health-check round), cut to `width` characters.
 */
export function storableText(value: string, width: number): string {
  return fitText(postgresText(value), width);
}
