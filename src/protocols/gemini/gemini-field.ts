import { invalid, isRecord } from '../request-checks.ts';

const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * A field of Google's JSON by its camelCase name. Google's REST parser accepts both the JSON name
 * (`systemInstruction`) and the proto field name (`system_instruction`), and clients send either.
 */
export function geminiField(object: Record<string, unknown>, camelName: string): unknown {
  const value = object[camelName];
  if (value !== undefined) return value;
  const snakeName = snakeCase(camelName);
  return snakeName === camelName ? undefined : object[snakeName];
}

/** An optional object field; `param` names it in the 400 error. */
export function optionalRecord(value: unknown, param: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalid(param, 'must be an object');
  return value;
}

/** An optional array field. */
export function optionalArray(value: unknown, param: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid(param, 'must be an array');
  return value;
}

/** An optional array of strings. */
export function optionalStringArray(value: unknown, param: string): string[] | undefined {
  const array = optionalArray(value, param);
  if (array === undefined) return undefined;
  return array.map((item, index) => {
    if (typeof item !== 'string') throw invalid(`${param}[${index}]`, 'must be a string');
    return item;
  });
}

/**
 * An optional whole number. Proto3 JSON writes int64 fields as strings (`"maxItems": "3"`), so a
 * numeric string counts too.
 */
export function optionalCount(value: unknown, param: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw invalid(param, 'must be a whole number');
  return number;
}
