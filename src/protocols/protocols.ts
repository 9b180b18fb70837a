import { anthropicMessages } from './anthropic-messages/anthropic-protocol.ts';
import { gemini } from './gemini/gemini-protocol.ts';
import { openAiChat } from './openai-chat/openai-chat-protocol.ts';
import type { ProtocolName, WireProtocol } from './wire-protocol.ts';

const protocols: Record<ProtocolName, WireProtocol> = {
  'openai-chat': openAiChat,
  'anthropic-messages': anthropicMessages,
  gemini,
};

export const protocolNamed = (name: ProtocolName): WireProtocol => protocols[name];
