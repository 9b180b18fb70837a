import type { ChatRequest } from '../../core/chat-request.ts';
import type { DocumentPart, ImagePart, TextPart, ToolResultPart } from '../../core/content-part.ts';
import type { Message } from '../../core/message.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { imageSourceToUrl } from '../image-source.ts';
import type { Decoded } from '../wire-protocol.ts';
import { encodeOpenAiReasoningEffort } from './encode-openai-reasoning-effort.ts';
import { encodeOpenAiResponseFormat } from './encode-openai-response-format.ts';
import type {
  OpenAiChatRequestBody,
  OpenAiFileContent,
  OpenAiImageContent,
  OpenAiMessage,
  OpenAiTextContent,
  OpenAiToolCall,
} from './openai-chat-wire-types.ts';

const joinText = (parts: readonly TextPart[]): string => parts.map((part) => part.text).join('');

/** Only the text: OpenAI tool messages take no images or files (they go in a user message, see encodeMessages). */
function toolResultText(part: ToolResultPart): string {
  const text = part.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
  return part.isError ? `Error: ${text}` : text;
}

function encodeImage(part: ImagePart): OpenAiImageContent {
  return {
    type: 'image_url',
    image_url: { url: imageSourceToUrl(part.source), ...(part.detail ? { detail: part.detail } : {}) },
  };
}

/**
 * A PDF as OpenAI's inline file part; OpenAI requires a file name with inline data, so a document
 * the client named none gets `document.pdf`.
 */
function encodeDocument(part: DocumentPart): OpenAiFileContent {
  return {
    type: 'file',
    file: { file_data: `data:${part.mediaType};base64,${part.data}`, filename: part.name ?? 'document.pdf' },
  };
}

type MovedContent = OpenAiTextContent | OpenAiImageContent | OpenAiFileContent;

/** What the model is told a tool result's moved images and PDFs are. */
function describeMoved(images: number, documents: number): string {
  if (documents === 0) return images === 1 ? 'this image' : 'these images';
  if (images === 0) return documents === 1 ? 'this document' : 'these documents';
  return 'these images and documents';
}

/** A tool result's images and PDFs, after a line naming the call they came from. */
function toolResultMedia(part: ToolResultPart): MovedContent[] {
  const media = part.content.flatMap((item): (OpenAiImageContent | OpenAiFileContent)[] => {
    if (item.type === 'image') return [encodeImage(item)];
    if (item.type === 'document') return [encodeDocument(item)];
    return [];
  });
  if (media.length === 0) return [];
  const images = media.filter((item) => item.type === 'image_url').length;
  const these = describeMoved(images, media.length - images);
  return [{ type: 'text', text: `The result of tool call ${part.toolCallId} included ${these}:` }, ...media];
}

function encodeMessage(message: Message, warnings: TranslationWarning[]): OpenAiMessage[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: joinText(message.content) }];
    case 'user': {
      if (message.content.every((part) => part.type === 'text')) {
        return [{ role: 'user', content: joinText(message.content as TextPart[]) }];
      }
      const content = message.content.map(
        (part): OpenAiTextContent | OpenAiImageContent | OpenAiFileContent => {
          switch (part.type) {
            case 'text':
              return { type: 'text', text: part.text };
            case 'image':
              return encodeImage(part);
            case 'document':
              return encodeDocument(part);
            default: {
              const unreachable: never = part;
              throw new Error(`unknown user part ${JSON.stringify(unreachable)}`);
            }
          }
        },
      );
      return [{ role: 'user', content }];
    }
    case 'assistant': {
      let text = '';
      const toolCalls: OpenAiToolCall[] = [];
      let droppedThinking = false;
      for (const part of message.content) {
        if (part.type === 'text') text += part.text;
        else if (part.type === 'tool-call')
          toolCalls.push({
            id: part.id,
            type: 'function',
            function: { name: part.name, arguments: part.arguments },
          });
        else droppedThinking = true;
      }
      // OpenAI takes no reasoning back, and DeepSeek answers 400 when reasoning_content is resent.
      if (droppedThinking) {
        warnings.push({
          type: 'unsupported-content',
          field: 'thinking',
          message: 'earlier thinking is not sent to OpenAI-format upstreams',
        });
      }
      return [
        {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
      ];
    }
    case 'tool':
      return message.content.map((part) => ({
        role: 'tool',
        tool_call_id: part.toolCallId,
        content: toolResultText(part),
      }));
    default: {
      const unreachable: never = message;
      throw new Error(`unknown role ${String((unreachable as Message).role)}`);
    }
  }
}

/**
 * The conversation. OpenAI tool messages carry text only, and the tool messages answering a turn's
 * calls must follow it with nothing in between; so the images and PDFs of tool results go in one user
 * message after the last tool message of the run, where the model still sees them (a changed-value
 * warning).
 */
function encodeMessages(
  request: ChatRequest,
  instruction: string | undefined,
  warnings: TranslationWarning[],
): OpenAiMessage[] {
  const messages: OpenAiMessage[] = [];
  if (request.system.length > 0 || instruction !== undefined) {
    const texts = [joinText(request.system), instruction ?? ''].filter((text) => text !== '');
    messages.push({ role: 'system', content: texts.join('\n\n') });
  }
  let media: MovedContent[] = [];
  let moved = false;
  const sendMedia = (): void => {
    if (media.length === 0) return;
    messages.push({ role: 'user', content: media });
    media = [];
    moved = true;
  };
  for (const message of request.messages) {
    if (message.role !== 'tool') sendMedia();
    messages.push(...encodeMessage(message, warnings));
    if (message.role === 'tool') media.push(...message.content.flatMap(toolResultMedia));
  }
  sendMedia();
  if (moved) {
    warnings.push({
      type: 'changed-value',
      field: 'tool_result.content',
      message:
        'OpenAI tool messages carry text only; images and documents in tool results were sent in a user message after them',
    });
  }
  return messages;
}

/**
 * Tools, `tool_choice` and `parallel_tool_calls`. OpenAI refuses the last two without tools ("'tool_choice'
 * is only allowed when 'tools' are specified"), which happens when an Anthropic client's only tools were
 * server tools, dropped in decoding. Then neither is sent: a forced choice is lost (a warning), while
 * `auto`, `none` and the parallel flag mean nothing without a tool to call.
 */
function encodeTools(
  request: ChatRequest,
  body: OpenAiChatRequestBody,
  warnings: TranslationWarning[],
): void {
  if (request.tools === undefined || request.tools.length === 0) {
    if (request.toolChoice !== undefined && request.toolChoice !== 'auto' && request.toolChoice !== 'none') {
      warnings.push({ type: 'unsupported-setting', field: 'toolChoice', message: 'no tools given; ignored' });
    }
    return;
  }
  body.tools = request.tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      parameters: tool.parameters,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
    },
  }));
  if (request.toolChoice) {
    body.tool_choice =
      typeof request.toolChoice === 'string'
        ? request.toolChoice
        : { type: 'function', function: { name: request.toolChoice.name } };
  }
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
}

/** Core → the body of an OpenAI-format upstream request. Streams always ask for usage (metering). */
export function encodeOpenAiChatRequest(
  request: ChatRequest,
  upstreamModel: string,
): Decoded<Record<string, unknown>> {
  const warnings: TranslationWarning[] = [];
  const format = encodeOpenAiResponseFormat(request.responseFormat, warnings);
  const body: OpenAiChatRequestBody = {
    model: upstreamModel,
    messages: encodeMessages(request, format.instruction, warnings),
  };
  if (request.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  encodeTools(request, body, warnings);
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxOutputTokens !== undefined) body.max_tokens = request.maxOutputTokens;
  if (request.stopSequences !== undefined) body.stop = request.stopSequences;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.user !== undefined) body.user = request.user;
  // The translated path answers with one choice (the core response holds one), so more would be
  // paid for and never seen; a stream would even interleave the choices' text.
  if (request.choiceCount !== undefined && request.choiceCount > 1) {
    warnings.push({
      type: 'unsupported-setting',
      field: 'n',
      message: 'Only one choice can be relayed; one was asked for',
    });
  }
  if (format.responseFormat) body.response_format = format.responseFormat;
  const effort = encodeOpenAiReasoningEffort(request.reasoning, upstreamModel, warnings);
  if (effort !== undefined) body.reasoning_effort = effort;
  if (request.topK !== undefined) {
    warnings.push({
      type: 'unsupported-setting',
      field: 'top_k',
      message: 'OpenAI-format upstreams take no top_k',
    });
  }
  return { value: body as unknown as Record<string, unknown>, warnings };
}
