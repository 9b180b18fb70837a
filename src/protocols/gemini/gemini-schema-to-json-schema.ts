import { isRecord } from '../request-checks.ts';

/** Keywords whose values are int64 in Google's proto, so may arrive as strings (`"minItems": "1"`). */
const countKeywords = new Set([
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'minProperties',
  'maxProperties',
]);

const toCount = (value: unknown): unknown =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/**
 * A Gemini `Schema` (OpenAPI 3.0 subset, upper-case type names, `nullable`) as the JSON Schema the
 * core model holds. Keywords with the same meaning in both are copied; unknown ones pass through,
 * since a client may already send JSON Schema there.
 */
export function geminiSchemaToJsonSchema(schema: unknown): Record<string, unknown> {
  if (!isRecord(schema)) return {};
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    switch (keyword) {
      case 'type':
        if (typeof value === 'string' && value !== 'TYPE_UNSPECIFIED') out.type = value.toLowerCase();
        break;
      case 'nullable':
      case 'propertyOrdering':
      case 'property_ordering':
        // `nullable` is folded into `type` below; JSON Schema has no ordering keyword.
        break;
      case 'properties':
        if (isRecord(value)) {
          out.properties = Object.fromEntries(
            Object.entries(value).map(([name, child]) => [name, geminiSchemaToJsonSchema(child)]),
          );
        }
        break;
      case 'items':
        out.items = geminiSchemaToJsonSchema(value);
        break;
      case 'anyOf':
      case 'any_of':
        if (Array.isArray(value)) out.anyOf = value.map(geminiSchemaToJsonSchema);
        break;
      case 'example':
        out.examples = [value];
        break;
      default: {
        const name = keyword.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
        out[name] = countKeywords.has(name) ? toCount(value) : value;
      }
    }
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: 'null' }];
  }
  return out;
}
