import type { TranslationWarning } from '../../src/core/warning.ts';

/** A warning that a value was changed on the way, as the client reads it in X-Switchboard-Warnings. */
export const changedValue = (field: string, message: string): TranslationWarning => ({
  type: 'changed-value',
  field,
  message,
});
