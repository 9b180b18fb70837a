import { describe, expect, it } from 'vitest';
import type { TranslationWarning } from '../../core/warning.ts';
import { cleanGeminiSchema, isEmptyObjectSchema } from './clean-gemini-schema.ts';

const clean = (schema: Record<string, unknown>) => {
  const warnings: TranslationWarning[] = [];
  return { schema: cleanGeminiSchema(schema, 'tools[0].parameters', warnings), warnings };
};

describe('cleanGeminiSchema', () => {
  it('strips the keywords Gemini rejects, one warning per keyword naming every place', () => {
    const { schema, warnings } = clean({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      properties: {
        count: { type: 'integer', exclusiveMinimum: 0, multipleOf: 2 },
        nested: {
          type: 'object',
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1 } },
        },
      },
      required: ['count'],
    });
    expect(schema).toEqual({
      type: 'object',
      properties: {
        count: { type: 'integer' },
        nested: { type: 'object', properties: { name: { type: 'string', minLength: 1 } } },
      },
      required: ['count'],
    });
    expect(warnings.map((warning) => [warning.type, warning.field, warning.message])).toEqual([
      ['changed-value', 'tools[0].parameters', expect.stringContaining("'$schema'; removed at (root)")],
      [
        'changed-value',
        'tools[0].parameters',
        expect.stringContaining("'additionalProperties'; removed at (root), properties.nested"),
      ],
      [
        'changed-value',
        'tools[0].parameters',
        expect.stringContaining("'exclusiveMinimum'; removed at properties.count"),
      ],
      ['changed-value', 'tools[0].parameters', expect.stringContaining("'multipleOf'")],
    ]);
  });

  it('turns type arrays and null branches into nullable', () => {
    const { schema, warnings } = clean({
      type: 'object',
      properties: {
        a: { type: ['string', 'null'] },
        b: { anyOf: [{ type: 'number' }, { type: 'null' }] },
        c: { type: ['string', 'integer'] },
      },
    });
    expect(schema.properties).toEqual({
      a: { type: 'string', nullable: true },
      b: { type: 'number', nullable: true },
      c: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
    });
    expect(warnings).toEqual([]);
  });

  it('inlines $ref from $defs and definitions; a recursive ref is dropped with a warning', () => {
    const { schema, warnings } = clean({
      type: 'object',
      properties: {
        home: { $ref: '#/$defs/address', description: 'Where they live' },
        work: { $ref: '#/definitions/address' },
        tree: { $ref: '#/$defs/node' },
      },
      $defs: {
        address: { type: 'object', properties: { city: { type: 'string' } } },
        node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } },
      },
      definitions: { address: { type: 'object', properties: { city: { type: 'string' } } } },
    });
    const address = { type: 'object', properties: { city: { type: 'string' } } };
    expect(schema.properties).toEqual({
      home: { ...address, description: 'Where they live' },
      work: address,
      tree: { type: 'object', properties: { child: {} } },
    });
    expect(warnings).toEqual([
      expect.objectContaining({
        message: expect.stringContaining("'$ref'; removed at properties.tree.properties.child"),
      }),
    ]);
  });

  it('keeps the formats Gemini accepts and drops the others', () => {
    const { schema, warnings } = clean({
      type: 'object',
      properties: {
        when: { type: 'string', format: 'date-time' },
        mail: { type: 'string', format: 'email' },
        ratio: { type: 'number', format: 'double' },
      },
    });
    expect(schema.properties).toEqual({
      when: { type: 'string', format: 'date-time' },
      mail: { type: 'string' },
      ratio: { type: 'number', format: 'double' },
    });
    expect(warnings).toHaveLength(1);
  });

  it('rewrites const, oneOf and allOf, saying so where the meaning changes', () => {
    const { schema, warnings } = clean({
      type: 'object',
      properties: {
        kind: { const: 'circle' },
        shape: { oneOf: [{ type: 'string' }, { type: 'number' }] },
        both: {
          allOf: [
            { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
            { properties: { b: { type: 'string' } }, required: ['b'] },
          ],
        },
      },
    });
    expect(schema.properties).toEqual({
      kind: { enum: ['circle'] },
      shape: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      both: {
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'string' } },
        required: ['a', 'b'],
      },
    });
    expect(warnings.map((warning) => warning.message)).toEqual([
      "'oneOf' at properties.shape was sent as 'anyOf'",
      "'allOf' at properties.both was merged into one schema",
    ]);
  });

  it('leaves out an empty properties object, which Gemini refuses', () => {
    const { schema } = clean({ type: 'object', properties: {}, additionalProperties: false });
    expect(schema).toEqual({ type: 'object' });
    expect(isEmptyObjectSchema(schema)).toBe(true);
    expect(isEmptyObjectSchema({ type: 'object', properties: { a: { type: 'string' } } })).toBe(false);
  });
});
