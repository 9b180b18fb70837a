import type {
  AssistantContentPart,
  DocumentPart,
  ImagePart,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../core/content-part.ts';
import type { Message } from '../../core/message.ts';
import { isOwnSignature } from '../../core/thinking-signature.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import type {
  AnthropicAssistantBlock,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicUserBlock,
} from './anthropic-wire-types.ts';

/** The user turn put in front of a conversation that opens with the assistant. */
const placeholderUserText = '.';

/** Anthropic requires tool_use ids to match `^[a-zA-Z0-9_-]+$`; ids from other providers may not. */
export const toAnthropicToolId = (id: string): string => id.replace(/[^A-Za-z0-9_-]/g, '_');

const dataUrl = /^data:([^;,]+);base64,(.*)$/s;

/**
 * Anthropic takes only `image/jpeg`, `image/png`, `image/gif` and `image/webp`, spelled so, and
 * refuses the request otherwise; OpenAI takes any label, and `image/jpg` is a common one for JPEGs
 * (browsers, clipboards). Media types are case-insensitive (RFC 2045), so they are lowercased too.
 */
function toAnthropicMediaType(mediaType: string): string {
  const lower = mediaType.toLowerCase();
  return lower === 'image/jpg' ? 'image/jpeg' : lower;
}

function toImageBlock(part: ImagePart, field: string, warnings: TranslationWarning[]): AnthropicImageBlock {
  if (part.detail !== undefined && part.detail !== 'auto') {
    warnings.push({
      type: 'unsupported-setting',
      field: `${field}.detail`,
      message: 'image detail is ignored',
    });
  }
  const { source } = part;
  switch (source.kind) {
    case 'base64':
      return {
        type: 'image',
        source: { type: 'base64', media_type: toAnthropicMediaType(source.mediaType), data: source.data },
      };
    case 'url': {
      // OpenAI clients send inline images as data URLs; Anthropic's url source takes only http(s).
      const inline = dataUrl.exec(source.url);
      if (inline?.[1] !== undefined && inline[2] !== undefined) {
        return {
          type: 'image',
          source: { type: 'base64', media_type: toAnthropicMediaType(inline[1]), data: inline[2] },
        };
      }
      return { type: 'image', source: { type: 'url', url: source.url } };
    }
    default: {
      const unreachable: never = source;
      throw new Error(`unknown image source ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Anthropic rejects empty text blocks; an empty text part carries nothing, so it is left out. */
function toTextBlocks(part: TextPart): AnthropicTextBlock[] {
  return part.text === '' ? [] : [{ type: 'text', text: part.text }];
}

/** A PDF as a base64 document block, its name (an OpenAI client's file name) as the title. */
function toDocumentBlock(part: DocumentPart): AnthropicDocumentBlock {
  const block: AnthropicDocumentBlock = {
    type: 'document',
    source: { type: 'base64', media_type: part.mediaType, data: part.data },
  };
  if (part.name !== undefined) block.title = part.name;
  return block;
}

type MediaBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock;

function userBlocks(parts: UserContentPart[], field: string, warnings: TranslationWarning[]): MediaBlock[] {
  return parts.flatMap((part, index): MediaBlock[] => {
    switch (part.type) {
      case 'text':
        return toTextBlocks(part);
      case 'image':
        return [toImageBlock(part, `${field}.content[${index}]`, warnings)];
      case 'document':
        return [toDocumentBlock(part)];
      default: {
        const unreachable: never = part;
        throw new Error(`unknown user part ${JSON.stringify(unreachable)}`);
      }
    }
  });
}

function toolResultBlock(
  part: ToolResultPart,
  field: string,
  warnings: TranslationWarning[],
): AnthropicToolResultBlock {
  const block: AnthropicToolResultBlock = {
    type: 'tool_result',
    tool_use_id: toAnthropicToolId(part.toolCallId),
  };
  const content = userBlocks(part.content, field, warnings);
  const [first] = content;
  if (content.length === 1 && first?.type === 'text') block.content = first.text;
  else if (content.length > 0) block.content = content;
  if (part.isError) block.is_error = true;
  return block;
}

/** Tool-call arguments are JSON text; Anthropic wants the object. */
export function parseToolInput(
  text: string,
  field: string,
  warnings: TranslationWarning[],
): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const input: unknown = JSON.parse(text);
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
      return input as Record<string, unknown>;
    }
  } catch {
    // Reported below.
  }
  warnings.push({
    type: 'changed-value',
    field,
    message: 'tool-call arguments are not a JSON object; sent as {}',
  });
  return {};
}

function assistantBlocks(
  parts: AssistantContentPart[],
  field: string,
  warnings: TranslationWarning[],
): AnthropicAssistantBlock[] {
  return parts.flatMap((part, index): AnthropicAssistantBlock[] => {
    const partField = `${field}.content[${index}]`;
    switch (part.type) {
      case 'text':
        return toTextBlocks(part);
      case 'tool-call':
        return [
          {
            type: 'tool_use',
            id: toAnthropicToolId(part.id),
            name: part.name,
            input: parseToolInput(part.arguments, `${partField}.arguments`, warnings),
          },
        ];
      case 'thinking':
        if (part.redactedData !== undefined) return [{ type: 'redacted_thinking', data: part.redactedData }];
        if (part.signature === undefined || part.signature === '') {
          // Anthropic verifies the signature of every thinking block sent back; unsigned thinking
          // (another provider's reasoning) cannot be sent.
          warnings.push({
            type: 'unsupported-content',
            field: partField,
            message: 'thinking without an Anthropic signature cannot be sent to Anthropic; dropped',
          });
          return [];
        }
        if (!isOwnSignature(part.signatureSource, 'anthropic-messages')) {
          // Another provider's signature makes Anthropic refuse the request, and without it the
          // thinking is unsigned: the whole block stays behind.
          warnings.push({
            type: 'unsupported-content',
            field: partField,
            message: `thinking signed by '${part.signatureSource}' cannot be sent to Anthropic; dropped`,
          });
          return [];
        }
        return [{ type: 'thinking', thinking: part.text, signature: part.signature }];
      default: {
        const unreachable: never = part;
        throw new Error(`unknown assistant part ${JSON.stringify(unreachable)}`);
      }
    }
  });
}

type Turn =
  { role: 'user'; content: AnthropicUserBlock[] } | { role: 'assistant'; content: AnthropicAssistantBlock[] };

/** Tool results must open a user turn (docs.anthropic.com, "Tool use": tool_result blocks come first). */
function resultsFirst(blocks: AnthropicUserBlock[]): AnthropicUserBlock[] {
  const results = blocks.filter((block) => block.type === 'tool_result');
  const rest = blocks.filter((block) => block.type !== 'tool_result');
  return [...results, ...rest];
}

/**
 * The Messages API used to refuse a conversation that does not open with a user turn (and still
 * refuses one with no turn at all); other formats allow an assistant greeting first. A minimal user
 * turn goes in front, as other gateways do.
 */
function openWithUser(turns: Turn[], warnings: TranslationWarning[]): void {
  if (turns[0]?.role === 'user') return;
  turns.unshift({ role: 'user', content: [{ type: 'text', text: placeholderUserText }] });
  warnings.push({
    type: 'changed-value',
    field: 'messages',
    message: `Anthropic needs a user turn first; a user turn '${placeholderUserText}' was put in front`,
  });
}

/** A final assistant turn (a prefill) "cannot end with trailing whitespace" on Anthropic. */
function trimFinalAssistantText(turns: Turn[], warnings: TranslationWarning[]): void {
  const last = turns.at(-1);
  if (last?.role !== 'assistant') return;
  const block = last.content.at(-1);
  if (block?.type !== 'text' || !/\s$/.test(block.text)) return;
  block.text = block.text.trimEnd();
  if (block.text === '') last.content.pop();
  if (last.content.length === 0) turns.pop();
  warnings.push({
    type: 'changed-value',
    field: 'messages',
    message: 'trailing whitespace of the final assistant message was removed, as Anthropic requires',
  });
}

export interface ConvertedMessages {
  messages: AnthropicMessage[];
  /** Mid-conversation system messages: Anthropic has only the top-level `system`. */
  system: TextPart[];
}

/**
 * Core messages → Anthropic turns, which must alternate user/assistant: consecutive turns of one
 * role are merged, `tool` messages become `tool_result` blocks of a user turn (merged with a
 * following user message), and a mid-conversation system message moves to the top-level system.
 * A message left with no content (only empty text, unsigned thinking) is left out.
 */
export function convertToAnthropicMessages(
  messages: Message[],
  warnings: TranslationWarning[],
): ConvertedMessages {
  const turns: Turn[] = [];
  const system: TextPart[] = [];
  const appendUser = (content: AnthropicUserBlock[]): void => {
    const last = turns.at(-1);
    if (last?.role === 'user') last.content.push(...content);
    else if (content.length > 0) turns.push({ role: 'user', content });
  };
  const appendAssistant = (content: AnthropicAssistantBlock[]): void => {
    const last = turns.at(-1);
    if (last?.role === 'assistant') last.content.push(...content);
    else if (content.length > 0) turns.push({ role: 'assistant', content });
  };
  messages.forEach((message, index) => {
    const field = `messages[${index}]`;
    switch (message.role) {
      case 'system':
        system.push(...message.content);
        warnings.push({
          type: 'changed-value',
          field,
          message: 'Anthropic has no system turns; this system message was appended to the top-level system',
        });
        return;
      case 'user':
        return appendUser(userBlocks(message.content, field, warnings));
      case 'tool':
        return appendUser(
          message.content.map((part, at) => toolResultBlock(part, `${field}.content[${at}]`, warnings)),
        );
      case 'assistant':
        return appendAssistant(assistantBlocks(message.content, field, warnings));
      default: {
        const unreachable: never = message;
        throw new Error(`unknown role ${JSON.stringify(unreachable)}`);
      }
    }
  });
  for (const turn of turns) {
    if (turn.role !== 'user') continue;
    const ordered = resultsFirst(turn.content);
    if (ordered.some((block, at) => block !== turn.content[at])) {
      warnings.push({
        type: 'changed-value',
        field: 'messages',
        message:
          'tool results were moved in front of the other content of their user turn, as Anthropic requires',
      });
      turn.content = ordered;
    }
  }
  openWithUser(turns, warnings);
  trimFinalAssistantText(turns, warnings);
  return { messages: turns, system };
}
