import type { ResponseFormat } from '../../core/chat-request.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { schemaInstructedInstead } from '../schema-instruction.ts';
import type { OpenAiResponseFormat } from './openai-chat-wire-types.ts';

export interface EncodedOpenAiResponseFormat {
  responseFormat?: OpenAiResponseFormat;
  /** An instruction appended to the system message, when no response format can say it. */
  instruction?: string;
}

/**
 * A core response format as OpenAI's `response_format`. OpenAI takes a `json_schema` only with an
 * object at its root ("schema must be a JSON Schema of 'type: \"object\"'", 400), while Gemini
 * clients ask for lists and single values too (`responseSchema` of type ARRAY, STRING with an
 * enum, …). Such a schema goes into an instruction instead, with a warning; JSON mode cannot stand
 * in, since it makes the model answer with an object.
 */
export function encodeOpenAiResponseFormat(
  format: ResponseFormat | undefined,
  warnings: TranslationWarning[],
): EncodedOpenAiResponseFormat {
  if (format === undefined) return {};
  switch (format.type) {
    case 'text':
      return { responseFormat: { type: 'text' } };
    case 'json-object':
      return { responseFormat: { type: 'json_object' } };
    case 'json-schema': {
      if (format.schema.type === 'object') {
        return {
          responseFormat: {
            type: 'json_schema',
            json_schema: {
              name: format.name,
              schema: format.schema,
              ...(format.description !== undefined ? { description: format.description } : {}),
              ...(format.strict !== undefined ? { strict: format.strict } : {}),
            },
          },
        };
      }
      return schemaInstructedInstead(
        format.schema,
        'response_format',
        'OpenAI takes only an object schema; the model was instructed to follow the schema',
        warnings,
      );
    }
    default: {
      const unreachable: never = format;
      throw new Error(`unknown response format ${JSON.stringify(unreachable)}`);
    }
  }
}
