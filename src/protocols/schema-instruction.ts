/**
 * What the model is told when the upstream cannot enforce a JSON schema (Anthropic for a non-object
 * root, OpenAI for anything but an object root): the schema itself, as an instruction in the system
 * prompt. Said the same way for every upstream, so answers do not depend on which one was chosen.
 */
export const schemaInstruction = (schema: unknown): string =>
  `Respond with a single JSON value, and nothing else, that conforms to this JSON Schema: ${JSON.stringify(schema)}`;
