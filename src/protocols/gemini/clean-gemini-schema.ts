import type { TranslationWarning } from '../../core/warning.ts';
import { isRecord } from '../request-checks.ts';
import type { GeminiSchema } from './gemini-wire-types.ts';

/**
 * The keywords of Gemini's `Schema` (a subset of OpenAPI 3.0), https://ai.google.dev/api/caching#Schema.
 * Anything else (`additionalProperties`, `$schema`, `exclusiveMinimum`, `not`, …) makes the API answer
 * 400 "Invalid JSON payload received. Unknown name …", so it is removed, with a warning.
 */
const keptKeywords = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);

/** The formats the Gemini API takes per type; others are refused ("only 'enum' and 'date-time'"). */
const allowedFormats: Record<string, readonly string[]> = {
  string: ['enum', 'date-time'],
  number: ['float', 'double'],
  integer: ['int32', 'int64'],
};

/** Refs are inlined; a chain deeper than this is taken for a cycle. */
const maxRefDepth = 16;

class SchemaCleaner {
  readonly removed = new Map<string, string[]>();
  readonly changed: string[] = [];

  constructor(private readonly root: Record<string, unknown>) {}

  clean(schema: unknown, path: string, refs: readonly string[]): GeminiSchema {
    if (!isRecord(schema)) return {};
    const source = this.#inlineRef(schema, path, refs);
    const nextRefs = typeof schema.$ref === 'string' ? [...refs, schema.$ref] : refs;
    const out: GeminiSchema = {};
    for (const [keyword, value] of Object.entries(source)) {
      this.#keyword(out, source, keyword, value, path, nextRefs);
    }
    return out;
  }

  #remove(keyword: string, path: string): void {
    const paths = this.removed.get(keyword) ?? [];
    paths.push(path === '' ? '(root)' : path);
    this.removed.set(keyword, paths);
  }

  /** `$ref` into `$defs`/`definitions` is replaced by its target; sibling keywords win. */
  #inlineRef(
    schema: Record<string, unknown>,
    path: string,
    refs: readonly string[],
  ): Record<string, unknown> {
    const ref = schema.$ref;
    if (ref === undefined) return schema;
    const { $ref: _ref, ...siblings } = schema;
    const match = typeof ref === 'string' ? /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref) : null;
    const definitions = match ? this.root[match[1]!] : undefined;
    const target = match && isRecord(definitions) ? definitions[decodeURIComponent(match[2]!)] : undefined;
    if (!isRecord(target) || refs.includes(ref as string) || refs.length >= maxRefDepth) {
      this.#remove('$ref', path);
      return siblings;
    }
    return { ...target, ...siblings };
  }

  #keyword(
    out: GeminiSchema,
    source: Record<string, unknown>,
    keyword: string,
    value: unknown,
    path: string,
    refs: readonly string[],
  ): void {
    const at = (child: string) => (path === '' ? child : `${path}.${child}`);
    switch (keyword) {
      case 'type':
        this.#type(out, value);
        return;
      case 'properties': {
        if (!isRecord(value)) return this.#remove(keyword, path);
        const entries = Object.entries(value).map(([name, child]) => [
          name,
          this.clean(child, at(`properties.${name}`), refs),
        ]);
        // Gemini refuses an empty `properties` ("should be non-empty for OBJECT type").
        if (entries.length > 0) out.properties = Object.fromEntries(entries);
        return;
      }
      case 'items':
        if (!isRecord(value)) return this.#remove('items (tuple form)', path);
        out.items = this.clean(value, at('items'), refs);
        return;
      case 'anyOf':
      case 'oneOf':
        if (!Array.isArray(value)) return this.#remove(keyword, path);
        if (keyword === 'oneOf') this.changed.push(`'oneOf' at ${path || '(root)'} was sent as 'anyOf'`);
        this.#anyOf(out, value, at(keyword), refs);
        return;
      case 'allOf':
        if (!Array.isArray(value)) return this.#remove(keyword, path);
        if (value.length > 1) this.changed.push(`'allOf' at ${path || '(root)'} was merged into one schema`);
        for (const [index, child] of value.entries()) {
          mergeInto(out, this.clean(child, at(`allOf[${index}]`), refs));
        }
        return;
      case 'const':
        if (typeof value === 'string') out.enum = [value];
        else this.#remove(keyword, path);
        return;
      case 'enum':
        if (Array.isArray(value) && value.every((item) => typeof item === 'string')) out.enum = value;
        else this.#remove('enum (non-string values)', path);
        return;
      case 'examples':
        if (Array.isArray(value) && value.length > 0 && source.example === undefined) out.example = value[0];
        return;
      case 'format': {
        const types = Array.isArray(source.type) ? source.type : [source.type];
        const type = types.find((item): item is string => typeof item === 'string' && item !== 'null');
        const allowed = type === undefined ? undefined : allowedFormats[type];
        if (typeof value === 'string' && allowed?.includes(value)) out.format = value;
        else this.#remove(`format: ${String(value)}`, path);
        return;
      }
      case '$defs':
      case 'definitions':
        // Only ever the targets of `$ref`, which are inlined above.
        return;
      default:
        if (keptKeywords.has(keyword)) out[keyword] = value;
        else this.#remove(keyword, path);
    }
  }

  /** `type: ["string", "null"]` is Gemini's `type: "string", nullable: true`. */
  #type(out: GeminiSchema, value: unknown): void {
    const types = (Array.isArray(value) ? value : [value]).filter((type) => typeof type === 'string');
    const nonNull = types.filter((type) => type !== 'null');
    if (types.includes('null') && nonNull.length > 0) out.nullable = true;
    if (nonNull.length === 1) out.type = nonNull[0];
    else if (nonNull.length > 1) out.anyOf = nonNull.map((type) => ({ type }));
    else if (types.includes('null')) out.type = 'null';
  }

  /** A `{type: "null"}` branch becomes `nullable`; a single remaining branch is inlined. */
  #anyOf(out: GeminiSchema, branches: unknown[], path: string, refs: readonly string[]): void {
    const isNull = (branch: unknown) => isRecord(branch) && branch.type === 'null';
    const rest = branches.filter((branch) => !isNull(branch));
    if (rest.length < branches.length) out.nullable = true;
    const cleaned = rest.map((branch, index) => this.clean(branch, `${path}[${index}]`, refs));
    if (cleaned.length === 1) mergeInto(out, cleaned[0]!);
    else if (cleaned.length > 1) out.anyOf = cleaned;
  }
}

/** Shallow merge for `allOf`: properties and required lists are unioned, other keywords first-wins. */
function mergeInto(target: GeminiSchema, source: GeminiSchema): void {
  for (const [keyword, value] of Object.entries(source)) {
    if (keyword === 'properties' && isRecord(target.properties) && isRecord(value)) {
      target.properties = { ...target.properties, ...value };
    } else if (keyword === 'required' && Array.isArray(target.required) && Array.isArray(value)) {
      target.required = [...new Set([...target.required, ...value])];
    } else if (target[keyword] === undefined) {
      target[keyword] = value;
    }
  }
}

/**
 * A JSON Schema as Gemini's `Schema`: refs inlined, `type` arrays and null branches turned into
 * `nullable`, and every keyword Gemini rejects removed, one warning per keyword (naming where).
 * `field` names the schema in the warnings (`tools[0].parameters`).
 */
export function cleanGeminiSchema(
  schema: Record<string, unknown>,
  field: string,
  warnings: TranslationWarning[],
): GeminiSchema {
  const cleaner = new SchemaCleaner(schema);
  const cleaned = cleaner.clean(schema, '', []);
  for (const [keyword, paths] of cleaner.removed) {
    warnings.push({
      type: 'changed-value',
      field,
      message: `Gemini does not accept the JSON Schema keyword '${keyword}'; removed at ${paths.join(', ')}`,
    });
  }
  for (const message of cleaner.changed) warnings.push({ type: 'changed-value', field, message });
  return cleaned;
}

/** An object schema with no properties: Gemini wants no `parameters` at all then. */
export const isEmptyObjectSchema = (schema: GeminiSchema): boolean =>
  (schema.type === 'object' || schema.type === undefined) &&
  schema.properties === undefined &&
  schema.anyOf === undefined;
