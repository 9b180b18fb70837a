/** Anthropic message ids start with `msg_`; ids from other upstreams get the prefix. */
export const toAnthropicMessageId = (id: string): string => (id.startsWith('msg_') ? id : `msg_${id}`);
