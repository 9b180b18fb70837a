import { isObject, type JsonObject } from './json.ts';

/**
 * The cheap part of the Messages API's request validation, with its error messages: the checks a
 * translation from another format most often trips. Returns the `invalid_request_error` message,
 * undefined for a request that passes.
 *
 * Stricter than today's API in one respect, on purpose: consecutive same-role messages (which the
 * API now merges) and a first message that is not `user` are refused, with the API's former
 * messages, so a translation that leaves them is caught.
 */
export function anthropicRequestProblem(body: JsonObject): string | undefined {
  if (typeof body.model !== 'string') return 'model: Field required';
  if (body.max_tokens === undefined) return 'max_tokens: Field required';
  if (body.messages === undefined) return 'messages: Field required';
  if (!Array.isArray(body.messages)) return 'messages: Input should be a valid list';
  return (
    rangeProblem(body) ??
    stopSequencesProblem(body) ??
    toolNameProblem(body) ??
    toolChoiceProblem(body) ??
    thinkingProblem(body) ??
    messagesProblem(body.messages)
  );
}

/**
 * `temperature` ranges from 0 to 1 (Messages API reference; anthropics/anthropic-sdk-python#893) and
 * `max_tokens` may not be negative, worded as the API answered `max_tokens: -1` (a recorded answer:
 * aakshintala/fiber, research/anthropic-messages-probe/raw/stream.json).
 */
function rangeProblem(body: JsonObject): string | undefined {
  const { temperature, max_tokens: maxTokens } = body;
  if (typeof maxTokens === 'number' && maxTokens < 0) return 'max_tokens: must be greater than or equal to 0';
  if (typeof temperature === 'number' && temperature < 0) {
    return 'temperature: must be greater than or equal to 0';
  }
  if (typeof temperature === 'number' && temperature > 1)
    return 'temperature: must be less than or equal to 1';
  return undefined;
}

/**
 * A choice that forces a tool needs tools to choose from: `any` without tools, and a `tool` not
 * among them, are refused with these messages (recorded answers of api.anthropic.com:
 * aakshintala/fiber, research/anthropic-messages-probe/raw/choice.json).
 */
function toolChoiceProblem(body: JsonObject): string | undefined {
  const choice = body.tool_choice;
  if (!isObject(choice)) return undefined;
  const tools = Array.isArray(body.tools) ? body.tools : [];
  if (choice.type === 'any' && tools.length === 0) {
    return 'tool_choice.any may only be specified while providing tools';
  }
  if (choice.type === 'tool' && !tools.some((tool) => isObject(tool) && tool.name === choice.name)) {
    return `Tool '${String(choice.name)}' not found in provided tools`;
  }
  return undefined;
}

/**
 * A custom tool's name must match `^[a-zA-Z0-9_-]{1,64}$` (Messages API reference, `tools[].name`);
 * server tools (with a `type` other than `custom`) have fixed names of their own.
 */
function toolNameProblem(body: JsonObject): string | undefined {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  for (const [index, tool] of tools.entries()) {
    if (!isObject(tool) || (tool.type !== undefined && tool.type !== 'custom')) continue;
    if (typeof tool.name === 'string' && !/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) {
      return `tools.${index}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`;
    }
  }
  return undefined;
}

/** The API refuses a stop sequence that is only whitespace, such as OpenAI clients' usual `"\n"`. */
function stopSequencesProblem(body: JsonObject): string | undefined {
  const sequences = body.stop_sequences;
  if (!Array.isArray(sequences)) return undefined;
  if (sequences.some((sequence) => typeof sequence === 'string' && sequence.trim() === '')) {
    return 'stop_sequences: each stop sequence must contain non-whitespace';
  }
  return undefined;
}

/** The page every extended-thinking refusal points to, as the API words it. */
const thinkingDocs =
  'Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

/**
 * Extended thinking (`enabled`, with a budget) refuses what would steer or cut its sampling. Worded as
 * recorded answers of the API: the budget floor and temperature (anthropics/claude-cookbooks,
 * extended_thinking/extended_thinking.ipynb, its common errors), `max_tokens`
 * (logancyang/obsidian-copilot#1591), `top_k` (quarkiverse/quarkus-langchain4j#1812), `top_p` below
 * 0.95 (the docs: "you can set top_p to values between 1 and 0.95"; recorded by gateways that met it)
 * and a forced tool choice (mastra-ai/mastra#7507, can1357/oh-my-pi#341). `adaptive` is not checked.
 */
function thinkingProblem(body: JsonObject): string | undefined {
  const thinking = body.thinking;
  if (!isObject(thinking) || thinking.type !== 'enabled') return undefined;
  const budget = thinking.budget_tokens;
  if (budget === undefined) return 'thinking.enabled.budget_tokens: Field required';
  if (typeof budget === 'number' && budget < 1024) {
    return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
  }
  if (typeof budget === 'number' && typeof body.max_tokens === 'number' && body.max_tokens <= budget) {
    return `\`max_tokens\` must be greater than \`thinking.budget_tokens\`. ${thinkingDocs}#max-tokens-and-context-window-size`;
  }
  if (body.temperature !== undefined && body.temperature !== 1) {
    return `\`temperature\` may only be set to 1 when thinking is enabled. ${thinkingDocs}#important-considerations-when-using-extended-thinking`;
  }
  if (typeof body.top_p === 'number' && body.top_p < 0.95) {
    return '`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled';
  }
  if (body.top_k !== undefined && body.top_k !== null) {
    return `\`top_k\` must be unset when thinking is enabled. ${thinkingDocs}#important-considerations-when-using-extended-thinking`;
  }
  const choice = body.tool_choice;
  if (isObject(choice) && (choice.type === 'any' || choice.type === 'tool')) {
    return 'Thinking may not be enabled when tool_choice forces tool use.';
  }
  return undefined;
}

interface MessageBlocks {
  toolUseIds: string[];
  /** `[tool_use_id, block index]` of each `tool_result` block. */
  toolResults: [string, number][];
  /** The text the message ends with, for the final-assistant whitespace rule. */
  lastText: string;
}

function emptyContent(index: number): string {
  return `messages.${index}: all messages must have non-empty content except for the optional final assistant message`;
}

function messagesProblem(messages: unknown[]): string | undefined {
  if (messages.length === 0) return 'messages: at least one message is required';
  let previousRole: unknown;
  let previousToolUseIds: string[] = [];
  let lastText = '';
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    if (!isObject(message)) return `messages.${index}: Input should be a valid dictionary`;
    const role = message.role;
    if (role === 'system') {
      return (
        'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, ' +
        'not "system" as an input message role.'
      );
    }
    if (role !== 'user' && role !== 'assistant') {
      return `messages.${index}.role: Input should be 'user' or 'assistant'`;
    }
    if (index === 0 && role !== 'user') return 'messages: first message must use the "user" role';
    if (role === previousRole) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${role}" roles in a row`;
    }
    const optionalContent = role === 'assistant' && index === messages.length - 1;
    const blocks = readBlocks(message.content, index, optionalContent);
    if (typeof blocks === 'string') return blocks;
    const problem = toolPairingProblem(index, blocks, previousToolUseIds);
    if (problem !== undefined) return problem;
    previousRole = role;
    previousToolUseIds = role === 'assistant' ? blocks.toolUseIds : [];
    lastText = blocks.lastText;
  }
  if (previousRole === 'assistant' && /\s$/.test(lastText)) {
    return 'messages: final assistant content cannot end with trailing whitespace';
  }
  return undefined;
}

/** The only media types the API takes for base64 images. */
const imageMediaTypes = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

/** A base64 image of a type the API does not take (HEIC, say), as the API words it; `at`: where. */
function imageTypeProblem(block: JsonObject, at: string): string | undefined {
  const source = isObject(block.source) ? block.source : {};
  if (source.type !== 'base64' || imageMediaTypes.includes(String(source.media_type))) return undefined;
  return `${at}.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
}

/** The fields a `document` block takes (Messages API, document blocks); the API refuses any other. */
const documentFields = new Set(['type', 'source', 'title', 'context', 'citations', 'cache_control']);

/**
 * A document block's problem: a field it does not take (a `filename`, say, where `title` belongs),
 * a `title` or `context` that is not a string (null is taken), or a base64 source that is not a PDF.
 */
function documentProblem(block: JsonObject, path: string): string | undefined {
  const extra = Object.keys(block).find((key) => !documentFields.has(key));
  if (extra !== undefined) return `${path}.${extra}: Extra inputs are not permitted`;
  for (const key of ['title', 'context']) {
    const value = block[key];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      return `${path}.${key}: Input should be a valid string`;
    }
  }
  const source = isObject(block.source) ? block.source : {};
  if (source.type === 'base64' && source.media_type !== 'application/pdf') {
    return `${path}.source.base64.media_type: Input should be 'application/pdf'`;
  }
  return undefined;
}

/** The tool blocks and final text of a message's content, or the problem with it. */
function readBlocks(content: unknown, index: number, optionalContent: boolean): MessageBlocks | string {
  const blocks: MessageBlocks = { toolUseIds: [], toolResults: [], lastText: '' };
  if (content === undefined) return `messages.${index}.content: Field required`;
  if (typeof content === 'string') {
    if (content === '' && !optionalContent) return emptyContent(index);
    blocks.lastText = content;
    return blocks;
  }
  if (!Array.isArray(content)) return `messages.${index}.content: Input should be a valid list`;
  if (content.length === 0 && !optionalContent) return emptyContent(index);
  for (let position = 0; position < content.length; position++) {
    const block: unknown = content[position];
    if (!isObject(block)) return `messages.${index}.content.${position}: Input should be a valid dictionary`;
    blocks.lastText = '';
    if (block.type === 'text') {
      if (typeof block.text !== 'string' || block.text === '') {
        return 'messages: text content blocks must be non-empty';
      }
      blocks.lastText = block.text;
    } else if (block.type === 'image') {
      const problem = imageTypeProblem(block, `messages.${index}.content.${position}`);
      if (problem !== undefined) return problem;
    } else if (block.type === 'document') {
      const problem = documentProblem(block, `messages.${index}.content.${position}.document`);
      if (problem !== undefined) return problem;
    } else if (block.type === 'tool_use') {
      if (typeof block.id === 'string') blocks.toolUseIds.push(block.id);
    } else if (block.type === 'tool_result') {
      blocks.toolResults.push([typeof block.tool_use_id === 'string' ? block.tool_use_id : '', position]);
      const inner = Array.isArray(block.content) ? block.content : [];
      for (const [at, part] of inner.entries()) {
        if (!isObject(part) || part.type !== 'image') continue;
        const problem = imageTypeProblem(
          part,
          `messages.${index}.content.${position}.tool_result.content.${at}`,
        );
        if (problem !== undefined) return problem;
      }
    }
  }
  return blocks;
}

/** Every `tool_result` answers a `tool_use` of the message before, and every `tool_use` is answered. */
function toolPairingProblem(
  index: number,
  blocks: MessageBlocks,
  previousToolUseIds: string[],
): string | undefined {
  if (blocks.toolResults.length > 0 && previousToolUseIds.length === 0) {
    return `messages.${index}: \`tool_result\` block(s) provided when previous message does not contain any \`tool_use\` blocks`;
  }
  for (const [id, position] of blocks.toolResults) {
    if (!previousToolUseIds.includes(id)) {
      return (
        `messages.${index}.content.${position}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. ` +
        'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.'
      );
    }
  }
  const missing = previousToolUseIds.filter((id) => !blocks.toolResults.some(([result]) => result === id));
  if (missing.length > 0) {
    return (
      `messages.${index - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ` +
      `${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`
    );
  }
  return undefined;
}
