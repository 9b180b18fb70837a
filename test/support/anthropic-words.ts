import type { TranslationWarning } from '../../src/core/warning.ts';

/**
 * What the gateway says to an Anthropic client, written once for the decoder's unit tests and the
 * SDK's end-to-end tests, which expect the same words.
 */

/** The documentation the Messages API points at when it refuses a setting beside extended thinking. */
export const extendedThinkingDocs =
  'Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

/**
 * The warnings for a PDF document block (at `part`, e.g. `messages[0].content[0]`) whose context and
 * citations are dropped on a translated route.
 */
export const documentSettingsWarnings = (part: string): TranslationWarning[] => [
  {
    type: 'unsupported-content',
    field: `${part}.context`,
    message:
      "a document's context is dropped when the request is translated for another format; the document is kept",
  },
  {
    type: 'unsupported-setting',
    field: `${part}.citations`,
    message:
      'citations on documents are dropped when the request is translated for another format; the answer cites nothing',
  },
];
