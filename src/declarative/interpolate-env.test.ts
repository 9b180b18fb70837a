import { describe, expect, it } from 'vitest';
import { interpolateEnv } from './interpolate-env.ts';

describe('interpolateEnv', () => {
  const env = { OPENAI_API_KEY: 'sk-real', EMPTY: '' };

  it('fills variables and defaults, keeps $${...} literal', () => {
    expect(interpolateEnv('key: ${OPENAI_API_KEY}', env)).toBe('key: sk-real');
    expect(interpolateEnv('url: ${BASE_URL:-https://x/v1}', env)).toBe('url: https://x/v1');
    expect(interpolateEnv('url: ${EMPTY:-fallback}', env)).toBe('url: fallback');
    expect(interpolateEnv('literal: $${NOT_A_VAR}', env)).toBe('literal: ${NOT_A_VAR}');
  });

  it('names every unset variable without a default', () => {
    expect(() => interpolateEnv('a: ${ONE}\nb: ${TWO}\nc: ${ONE}', env)).toThrow(
      'the config file uses unset environment variables: ONE, TWO',
    );
  });
});
