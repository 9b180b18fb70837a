import type { TranslationWarning } from '../core/warning.ts';

/**
 * What the model is told when the upstream cannot enforce a JSON schema (Anthropic for a non-object
 * root, OpenAI for anything but an object root): the schema itself, as an instruction in the system
 * prompt. Said the same way for every upstream, so answers do not depend on which one was chosen.
 */
export const schemaInstruction = (schema: unknown): string =>
  `Respond with a single JSON value, and nothing else, that conforms to this JSON Schema: ${JSON.stringify(schema)}`;

/**
 * The schema as an instruction instead of enforced, with the warning that says so: `field` in the
 * client's request, `message` why this upstream cannot enforce it.
 */
export function schemaInstructedInstead(
  schema: unknown,
  field: string,
  message: string,
  warnings: TranslationWarning[],
): { instruction: string } {
  warnings.push({ type: 'unsupported-setting', field, message });
  return { instruction: schemaInstruction(schema) };
}
