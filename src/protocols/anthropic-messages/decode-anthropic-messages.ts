import type {
  AssistantContentPart,
  DocumentPart,
  ImagePart,
  TextPart,
  ToolResultContentPart,
  ToolResultPart,
  UserContentPart,
} from '../../core/content-part.ts';
import type { Message } from '../../core/message.ts';
import { readSignature } from '../../core/thinking-signature.ts';
import { extractSignature } from '../../core/tool-call-id.ts';
import type { DecodeWarnings } from './decode-warnings.ts';
import {
  invalidField,
  missingField,
  readArray,
  readOptionalBoolean,
  readOptionalString,
  readRecord,
  readString,
} from './read-request-values.ts';

/**
 * Block types the Messages API knows but the core model cannot hold (server tools and their
 * results, search results, files). They are dropped with a warning; a type outside this list is an
 * error. (Documents other than base64 PDFs are dropped with their own warning, see decodeDocument.)
 */
const inexpressibleBlockTypes = new Set([
  'search_result',
  'container_upload',
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'tool_search_tool_result',
  'mcp_tool_use',
  'mcp_tool_result',
]);

function dropBlock(warnings: DecodeWarnings, type: string, param: string): void {
  warnings.add({
    type: 'unsupported-content',
    field: param,
    message: `'${type}' blocks cannot be translated and were dropped`,
  });
}

function decodeText(block: Record<string, unknown>, param: string, warnings: DecodeWarnings): TextPart {
  warnings.cacheControl(block, param);
  if (block.citations !== undefined && block.citations !== null) {
    warnings.once('citations', {
      type: 'unsupported-content',
      field: `${param}.citations`,
      message: 'citations on text blocks are dropped; the text is kept',
    });
  }
  return { type: 'text', text: readString(block.text, `${param}.text`) };
}

/** An image or document block's source and its type, its `cache_control` warned of first. */
function mediaSource(
  block: Record<string, unknown>,
  param: string,
  warnings: DecodeWarnings,
): { source: Record<string, unknown>; kind: string } {
  warnings.cacheControl(block, param);
  const source = readRecord(block.source, `${param}.source`);
  return { source, kind: readString(source.type, `${param}.source.type`) };
}

function decodeImage(
  block: Record<string, unknown>,
  param: string,
  warnings: DecodeWarnings,
): ImagePart | undefined {
  const { source, kind } = mediaSource(block, param, warnings);
  switch (kind) {
    case 'base64':
      return {
        type: 'image',
        source: {
          kind: 'base64',
          mediaType: readString(source.media_type, `${param}.source.media_type`),
          data: readString(source.data, `${param}.source.data`),
        },
      };
    case 'url':
      return { type: 'image', source: { kind: 'url', url: readString(source.url, `${param}.source.url`) } };
    case 'file':
      // A Files API id means nothing to another provider.
      warnings.add({
        type: 'unsupported-content',
        field: `${param}.source`,
        message: "images by 'file' source cannot be translated and were dropped",
      });
      return undefined;
    default:
      throw invalidField(`${param}.source.type`, "expected 'base64', 'url' or 'file'");
  }
}

/**
 * A PDF document's `context` (text the model reads beside the document) and `citations` (answers
 * citing passages of it) have no place in the core request: dropped, each with a warning once per
 * request. Citations turned off (`enabled: false`, the default) lose nothing, so they are not warned.
 */
function warnDocumentSettings(block: Record<string, unknown>, param: string, warnings: DecodeWarnings): void {
  const context = readOptionalString(block.context, `${param}.context`);
  if (context !== undefined && context !== '') {
    warnings.once('document.context', {
      type: 'unsupported-content',
      field: `${param}.context`,
      message:
        "a document's context is dropped when the request is translated for another format; the document is kept",
    });
  }
  if (block.citations === undefined || block.citations === null) return;
  const citations = readRecord(block.citations, `${param}.citations`);
  if (readOptionalBoolean(citations.enabled, `${param}.citations.enabled`) !== true) return;
  warnings.once('document.citations', {
    type: 'unsupported-setting',
    field: `${param}.citations`,
    message:
      'citations on documents are dropped when the request is translated for another format; the answer cites nothing',
  });
}

/**
 * A `document` block: a base64 PDF is a core document, which every upstream format reads, its
 * `title` the document's name (its `context` and `citations` are dropped, warned). Plain-text, content
 * and URL sources, and Files API ids, have no form elsewhere: dropped with a warning.
 */
function decodeDocument(
  block: Record<string, unknown>,
  param: string,
  warnings: DecodeWarnings,
): DocumentPart | undefined {
  const { source, kind } = mediaSource(block, param, warnings);
  if (kind === 'base64' && source.media_type === 'application/pdf') {
    const document: DocumentPart = {
      type: 'document',
      mediaType: 'application/pdf',
      data: readString(source.data, `${param}.source.data`),
    };
    const title = readOptionalString(block.title, `${param}.title`);
    if (title !== undefined && title !== '') document.name = title;
    warnDocumentSettings(block, param, warnings);
    return document;
  }
  warnings.add({
    type: 'unsupported-content',
    field: param,
    message: `documents with a '${kind}' source cannot be translated (only base64 PDFs) and were dropped`,
  });
  return undefined;
}

function decodeToolResultContent(
  value: unknown,
  param: string,
  warnings: DecodeWarnings,
): ToolResultContentPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  const parts: ToolResultContentPart[] = [];
  readArray(value, param).forEach((item, index) => {
    const itemParam = `${param}[${index}]`;
    const block = readRecord(item, itemParam);
    const type = readString(block.type, `${itemParam}.type`);
    if (type === 'text') parts.push(decodeText(block, itemParam, warnings));
    else if (type === 'image') {
      const image = decodeImage(block, itemParam, warnings);
      if (image) parts.push(image);
    } else if (type === 'document') {
      const document = decodeDocument(block, itemParam, warnings);
      if (document) parts.push(document);
    } else if (inexpressibleBlockTypes.has(type)) dropBlock(warnings, type, itemParam);
    else throw invalidField(`${itemParam}.type`, "expected 'text', 'image' or 'document'");
  });
  return parts;
}

function decodeUserTurn(
  content: unknown[],
  param: string,
  toolNames: ReadonlyMap<string, string>,
  warnings: DecodeWarnings,
): Message[] {
  const results: ToolResultPart[] = [];
  const rest: UserContentPart[] = [];
  content.forEach((item, index) => {
    const blockParam = `${param}[${index}]`;
    const block = readRecord(item, blockParam);
    const type = readString(block.type, `${blockParam}.type`);
    switch (type) {
      case 'text':
        rest.push(decodeText(block, blockParam, warnings));
        return;
      case 'image': {
        const image = decodeImage(block, blockParam, warnings);
        if (image) rest.push(image);
        return;
      }
      case 'document': {
        const document = decodeDocument(block, blockParam, warnings);
        if (document) rest.push(document);
        return;
      }
      case 'tool_result': {
        warnings.cacheControl(block, blockParam);
        const toolCallId = readString(block.tool_use_id, `${blockParam}.tool_use_id`);
        const result: ToolResultPart = {
          type: 'tool-result',
          toolCallId,
          content: decodeToolResultContent(block.content, `${blockParam}.content`, warnings),
        };
        const name = toolNames.get(toolCallId);
        if (name !== undefined) result.name = name;
        if (readOptionalBoolean(block.is_error, `${blockParam}.is_error`) === true) result.isError = true;
        results.push(result);
        return;
      }
      default:
        if (inexpressibleBlockTypes.has(type)) return dropBlock(warnings, type, blockParam);
        throw invalidField(`${blockParam}.type`, `'${type}' is not a block type of user messages`);
    }
  });
  // Anthropic carries tool results inside the user turn; the core model has one `tool` message per result.
  const messages: Message[] = results.map((result) => ({ role: 'tool', content: [result] }));
  if (rest.length > 0 || results.length === 0) messages.push({ role: 'user', content: rest });
  return messages;
}

function decodeAssistantTurn(
  content: unknown[],
  param: string,
  toolNames: Map<string, string>,
  warnings: DecodeWarnings,
): Message {
  const parts: AssistantContentPart[] = [];
  content.forEach((item, index) => {
    const blockParam = `${param}[${index}]`;
    const block = readRecord(item, blockParam);
    const type = readString(block.type, `${blockParam}.type`);
    switch (type) {
      case 'text':
        parts.push(decodeText(block, blockParam, warnings));
        return;
      case 'tool_use': {
        warnings.cacheControl(block, blockParam);
        // A Gemini thought signature may ride inside an id the gateway gave out earlier.
        const { id, signature } = extractSignature(readString(block.id, `${blockParam}.id`));
        const name = readString(block.name, `${blockParam}.name`);
        const input = block.input === undefined ? {} : readRecord(block.input, `${blockParam}.input`);
        toolNames.set(id, name);
        parts.push({
          type: 'tool-call',
          id,
          name,
          arguments: JSON.stringify(input),
          ...(signature === undefined ? {} : { signature }),
        });
        return;
      }
      case 'thinking': {
        const signature =
          block.signature == null ? '' : readString(block.signature, `${blockParam}.signature`);
        parts.push({
          type: 'thinking',
          text: readString(block.thinking, `${blockParam}.thinking`),
          // An empty signature is what the gateway sends for thinking no model signed; one another
          // provider made comes marked with its source (see thinking-signature.ts).
          ...(signature === '' ? {} : readSignature(signature, 'anthropic-messages')),
        });
        return;
      }
      case 'redacted_thinking':
        parts.push({
          type: 'thinking',
          text: '',
          redactedData: readString(block.data, `${blockParam}.data`),
        });
        return;
      default:
        if (inexpressibleBlockTypes.has(type)) return dropBlock(warnings, type, blockParam);
        throw invalidField(`${blockParam}.type`, `'${type}' is not a block type of assistant messages`);
    }
  });
  return { role: 'assistant', content: parts };
}

/**
 * The `messages` of a client's request → core messages. A user turn with `tool_result` blocks
 * becomes one `tool` message per result, in order, then a `user` message with the rest; results get
 * the name of the call they answer when the history holds it (Gemini needs names).
 */
export function decodeAnthropicMessages(value: unknown, warnings: DecodeWarnings): Message[] {
  if (!Array.isArray(value) || value.length === 0) throw missingField('messages', 'a non-empty array');
  const toolNames = new Map<string, string>();
  const messages: Message[] = [];
  value.forEach((item, index) => {
    const param = `messages[${index}]`;
    const message = readRecord(item, param);
    const content =
      typeof message.content === 'string'
        ? [{ type: 'text', text: message.content }]
        : readArray(message.content, `${param}.content`);
    switch (message.role) {
      case 'user':
        messages.push(...decodeUserTurn(content, `${param}.content`, toolNames, warnings));
        return;
      case 'assistant':
        messages.push(decodeAssistantTurn(content, `${param}.content`, toolNames, warnings));
        return;
      default:
        throw message.role === undefined
          ? missingField(`${param}.role`, "'user' or 'assistant'")
          : invalidField(`${param}.role`, "expected 'user' or 'assistant'");
    }
  });
  return messages;
}
