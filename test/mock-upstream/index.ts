export { startMockUpstream } from './mock-upstream-server.ts';
export type { MockUpstream, MockUpstreamOptions, RecordedRequest } from './mock-upstream.ts';
export type {
  ChatReply,
  CutReply,
  DelayReply,
  EchoReply,
  ErrorReply,
  HangReply,
  MockReply,
  MockToolCall,
  MockUsage,
  RawReply,
  ResetReply,
  StreamPacing,
} from './mock-reply.ts';
export { estimateTokens } from './estimate-tokens.ts';
