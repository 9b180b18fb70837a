import fc from 'fast-check';
import type { ToolDefinition } from '../../src/core/chat-request.ts';
import type { ImagePart, TextPart, ToolCallPart } from '../../src/core/content-part.ts';

/** fast-check generators for core values, shared by the protocol modules' property tests. */

export const word = fc
  .string({ minLength: 1, maxLength: 12, unit: 'grapheme-ascii' })
  .filter((s) => s.trim() !== '');
export const identifier = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/);
export const text = fc.string({ minLength: 1, maxLength: 40 });

export const textPart: fc.Arbitrary<TextPart> = text.map((value) => ({ type: 'text', text: value }));

export const imagePart: fc.Arbitrary<ImagePart> = fc.oneof(
  fc.webUrl().map((url): ImagePart => ({ type: 'image', source: { kind: 'url', url } })),
  fc
    .tuple(fc.constantFrom('image/png', 'image/jpeg'), fc.base64String({ minLength: 4, maxLength: 40 }))
    .filter(([, data]) => data.length > 0)
    .map(([mediaType, data]): ImagePart => ({ type: 'image', source: { kind: 'base64', mediaType, data } })),
);

export const jsonArguments = fc
  .dictionary(identifier, fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean()), { maxKeys: 3 })
  .map((value) => JSON.stringify(value));

export const toolCallPart: fc.Arbitrary<ToolCallPart> = fc
  .tuple(fc.stringMatching(/^call_[A-Za-z0-9]{6,12}$/), identifier, jsonArguments)
  .map(([id, name, args]) => ({ type: 'tool-call', id, name, arguments: args }));

export const toolDefinition: fc.Arbitrary<ToolDefinition> = fc
  .tuple(identifier, fc.option(text, { nil: undefined }))
  .map(([name, description]) => ({
    name,
    parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
    ...(description !== undefined ? { description } : {}),
  }));

/** Names unique within one array (tools, calls): formats key them by name or id. */
export const uniqueBy = <T>(arbitrary: fc.Arbitrary<T>, key: (value: T) => string, maxLength = 3) =>
  fc.uniqueArray(arbitrary, { selector: key, minLength: 1, maxLength });
