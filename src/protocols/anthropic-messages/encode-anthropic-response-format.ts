import type { ResponseFormat } from '../../core/chat-request.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { schemaInstructedInstead } from '../schema-instruction.ts';
import { jsonResponseToolName } from './anthropic-json-response-tool.ts';
import type { AnthropicTool, AnthropicToolChoice } from './anthropic-wire-types.ts';

export interface EncodedResponseFormat {
  /** An instruction appended to the system prompt. */
  instruction?: string;
  /** The forced tool that carries a JSON-schema answer. */
  tool?: AnthropicTool;
  toolChoice?: AnthropicToolChoice;
}

/**
 * Anthropic has no `response_format`.
 * - `json-object`: an instruction in the system prompt, with a warning (nothing enforces it).
 * - `json-schema` with an object schema, when the request has no tools of its own and no thinking
 *   (which cannot run with forced tool use): a forced tool with the reserved name whose input
 *   schema is the schema; the response decoders turn its call back into JSON text.
 * - any other `json-schema`: the schema goes into the instruction, with a warning.
 */
export function encodeAnthropicResponseFormat(
  format: ResponseFormat | undefined,
  canForceTool: boolean,
  warnings: TranslationWarning[],
): EncodedResponseFormat {
  if (format === undefined) return {};
  switch (format.type) {
    case 'text':
      return {};
    case 'json-object':
      warnings.push({
        type: 'unsupported-setting',
        field: 'responseFormat',
        message: 'Anthropic has no JSON mode; the model was instructed to answer in JSON',
      });
      return { instruction: 'Respond with a single valid JSON object and nothing else.' };
    case 'json-schema': {
      if (canForceTool && format.schema.type === 'object') {
        warnings.push({
          type: 'changed-value',
          field: 'responseFormat',
          message: 'Anthropic has no JSON schema output; emulated with a forced tool call',
        });
        const description = `Give the answer as ${format.name}${format.description ? `: ${format.description}` : ''}`;
        return {
          tool: { name: jsonResponseToolName, description, input_schema: format.schema },
          toolChoice: { type: 'tool', name: jsonResponseToolName },
        };
      }
      return schemaInstructedInstead(
        format.schema,
        'responseFormat',
        'Anthropic has no JSON schema output; the model was instructed to follow the schema',
        warnings,
      );
    }
    default: {
      const unreachable: never = format;
      throw new Error(`unknown response format ${JSON.stringify(unreachable)}`);
    }
  }
}
