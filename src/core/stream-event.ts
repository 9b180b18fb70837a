import type { ProtocolName } from '../protocols/wire-protocol.ts';
import type { FinishReason } from './finish-reason.ts';
import type { GatewayError } from './gateway-error.ts';
import type { Usage } from './usage.ts';

/**
 * A streamed response, event by event. Tool calls are addressed by `index`: their order in the
 * response, stable from start to end. `usage` may come more than once; the last one counts.
 */
export type StreamEvent =
  | { type: 'message-start'; id: string; model: string; created: number }
  | { type: 'text-delta'; text: string }
  | {
      type: 'thinking-delta';
      text: string;
      signature?: string;
      /** Whose signature it is (see ThinkingPart.signatureSource). */
      signatureSource?: ProtocolName;
      redactedData?: string;
    }
  | { type: 'tool-call-start'; index: number; id: string; name: string; signature?: string }
  | { type: 'tool-call-delta'; index: number; argumentsDelta: string }
  | { type: 'tool-call-end'; index: number }
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; reason: FinishReason }
  | { type: 'error'; error: GatewayError };
