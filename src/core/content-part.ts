import type { ProtocolName } from '../protocols/wire-protocol.ts';

/** Content parts of core messages: our own vocabulary, mapped to and from every wire format. */

export interface TextPart {
  type: 'text';
  text: string;
}

export type ImageSource = { kind: 'url'; url: string } | { kind: 'base64'; mediaType: string; data: string };

export interface ImagePart {
  type: 'image';
  source: ImageSource;
  /** OpenAI's `detail`; other formats have no equivalent. */
  detail?: 'auto' | 'low' | 'high';
}

/**
 * A PDF given inline (Anthropic's `document` block, Gemini's `inlineData`, OpenAI's `file` part):
 * the models read its text and pages. Only PDFs, the one document type all three take.
 */
export interface DocumentPart {
  type: 'document';
  mediaType: 'application/pdf';
  /** Base64, without a `data:` prefix. */
  data: string;
  /**
   * The file's name as the client gave it (OpenAI's `file.filename`, Anthropic's `title`), for the
   * model to tell documents apart and cite them. Gemini's public API has no place for one.
   */
  name?: string;
}

export interface ToolCallPart {
  type: 'tool-call';
  /** Stable across the conversation: the tool result refers to it. */
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as the model produced them. */
  arguments: string;
  /** Gemini's `thoughtSignature` on a function call: must be sent back with the call in the next turn. */
  signature?: string;
}

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  /** The called tool's name, when known (Gemini needs it; OpenAI does not send it). */
  name?: string;
  /** Tools return PDFs too (Anthropic's tool_result takes document blocks). */
  content: ToolResultContentPart[];
  isError?: boolean;
}

export interface ThinkingPart {
  type: 'thinking';
  text: string;
  /** Anthropic's signature (or Gemini's thought signature): must survive a round trip unchanged. */
  signature?: string;
  /**
   * The format whose upstream made the signature. Signatures are provider-specific: Anthropic
   * refuses a Gemini one and the reverse, so an upstream encoder sends only its own (undefined:
   * made before sources were recorded, taken as the encoder's own).
   */
  signatureSource?: ProtocolName;
  /** Anthropic's `redacted_thinking` carries opaque data instead of text. */
  redactedData?: string;
}

export type UserContentPart = TextPart | ImagePart | DocumentPart;
export type ToolResultContentPart = TextPart | ImagePart | DocumentPart;
export type AssistantContentPart = TextPart | ToolCallPart | ThinkingPart;
