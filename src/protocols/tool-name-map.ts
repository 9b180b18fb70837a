import { createHash } from 'node:crypto';
import type { ChatRequest } from '../core/chat-request.ts';
import type { ChatResponse } from '../core/chat-response.ts';
import type { AssistantContentPart } from '../core/content-part.ts';
import type { Message } from '../core/message.ts';
import type { StreamEvent } from '../core/stream-event.ts';
import type { TranslationWarning } from '../core/warning.ts';
import type { ProtocolName } from './wire-protocol.ts';

/**
 * Function names differ by format: OpenAI and Anthropic take `^[a-zA-Z0-9_-]{1,64}$` (OpenAI's
 * `function.name`, Anthropic's `tools[].name`), Gemini also takes `.` and `:` but wants a letter or
 * `_` first, at most 64 (FunctionDeclaration.name). A name the target refuses made it answer 400 to
 * the whole request, so such names are renamed on the way up and named back on the way down.
 */
const accepted: Record<ProtocolName, RegExp> = {
  'openai-chat': /^[a-zA-Z0-9_-]{1,64}$/,
  'anthropic-messages': /^[a-zA-Z0-9_-]{1,64}$/,
  gemini: /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/,
};
const refusedCharacters: Record<ProtocolName, RegExp> = {
  'openai-chat': /[^a-zA-Z0-9_-]/g,
  'anthropic-messages': /[^a-zA-Z0-9_-]/g,
  gemini: /[^a-zA-Z0-9_.:-]/g,
};
const maxLength = 64;

/** The name's look-alike the protocol takes: refused characters become `_`, Gemini gets a letter-or-`_` start. */
function lookAlike(protocol: ProtocolName, name: string): string {
  let candidate = name.replace(refusedCharacters[protocol], '_');
  if (protocol === 'gemini' && !/^[a-zA-Z_]/.test(candidate)) candidate = `_${candidate}`;
  return (candidate === '' ? '_' : candidate).slice(0, maxLength);
}

/** The format as a warning names it. */
const formatNamed: Record<ProtocolName, string> = {
  'openai-chat': 'the OpenAI chat format',
  'anthropic-messages': 'the Anthropic Messages API',
  gemini: 'the Gemini API',
};

/** What about `name` the protocol refuses, for the warning (e.g. "'.' in function names"). */
function refusal(protocol: ProtocolName, name: string): string {
  const reasons: string[] = [];
  const refused = new Set(Array.from(name).filter((char) => char.search(refusedCharacters[protocol]) !== -1));
  if (refused.size > 0)
    reasons.push(`${[...refused].map((char) => `'${char}'`).join(', ')} in function names`);
  if (name === '') reasons.push('empty function names');
  else if (protocol === 'gemini' && !/^[a-zA-Z_]/.test(name)) {
    reasons.push("function names that do not start with a letter or '_'");
  }
  if (name.length > maxLength) reasons.push(`function names longer than ${maxLength} characters`);
  return reasons.join(' and ');
}

/** A short stable tag of the name, to tell apart look-alikes of different names. */
const tag = (name: string, attempt: number): string =>
  createHash('sha256').update(`${attempt}:${name}`).digest('hex').slice(0, 8);

/** The warnings of every map that renames nothing: one array, not one per request. */
const noWarnings: readonly TranslationWarning[] = Object.freeze([]);

/**
 * One request's function names as its upstream takes them, and back. Only names the target refuses
 * are renamed; each gets its look-alike, or, when that is another name of the request, the
 * look-alike cut short with a tag of the original. The same names give the same map, so later turns
 * of a conversation (whose history names the same functions) reach the upstream as the first did.
 */
export class ToolNameMap {
  /** The map of a request that names no function (most do not): it renames nothing. */
  static readonly #none = new ToolNameMap('openai-chat', []);
  private readonly upstream = new Map<string, string>();
  private readonly client = new Map<string, string>();
  /**
   * One changed-value warning per renamed function: a model that mentions a tool in its text uses
   * the upstream's name, which the client would not know otherwise. Empty (and shared) when none is.
   */
  readonly warnings: readonly TranslationWarning[];

  private constructor(protocol: ProtocolName, names: Iterable<string>) {
    const refused: string[] = [];
    const taken = new Set<string>();
    for (const name of names) {
      if (accepted[protocol].test(name)) taken.add(name);
      else refused.push(name);
    }
    for (const name of refused) {
      const base = lookAlike(protocol, name);
      let renamed = base;
      for (let attempt = 0; taken.has(renamed); attempt++) {
        renamed = `${base.slice(0, maxLength - 9)}_${tag(name, attempt)}`;
      }
      taken.add(renamed);
      this.upstream.set(name, renamed);
      this.client.set(renamed, name);
    }
    this.warnings =
      refused.length === 0
        ? noWarnings
        : refused.map((name) => ({
            type: 'changed-value',
            field: name,
            message:
              `Function '${name}' was sent to the upstream as '${this.upstream.get(name)!}' ` +
              `(${formatNamed[protocol]} refuses ${refusal(protocol, name)}); answers name it '${name}' again`,
          }));
  }

  /** The map for sending `request` to an upstream of `protocol`. */
  static forRequest(request: ChatRequest, protocol: ProtocolName): ToolNameMap {
    const names = namesIn(request);
    // Most requests name no function: one shared map that renames nothing.
    return names.size === 0 ? ToolNameMap.#none : new ToolNameMap(protocol, names);
  }

  get renamesAny(): boolean {
    return this.upstream.size > 0;
  }

  private toUpstream = (name: string): string => this.upstream.get(name) ?? name;
  private toClient = (name: string): string => this.client.get(name) ?? name;

  /** The request with every function name the upstream refuses renamed (the original is left as is). */
  requestForUpstream(request: ChatRequest): ChatRequest {
    if (!this.renamesAny) return request;
    const { toolChoice } = request;
    return {
      ...request,
      ...(request.tools && {
        tools: request.tools.map((tool) => ({ ...tool, name: this.toUpstream(tool.name) })),
      }),
      ...(typeof toolChoice === 'object' && {
        toolChoice: { ...toolChoice, name: this.toUpstream(toolChoice.name) },
      }),
      messages: request.messages.map((message) => this.messageForUpstream(message)),
    };
  }

  private messageForUpstream(message: Message): Message {
    switch (message.role) {
      case 'assistant':
        return { ...message, content: this.partsNamed(message.content, this.toUpstream) };
      case 'tool':
        return {
          ...message,
          content: message.content.map((part) =>
            part.name === undefined ? part : { ...part, name: this.toUpstream(part.name) },
          ),
        };
      case 'system':
      case 'user':
        return message;
      default: {
        const unknown: never = message;
        return unknown;
      }
    }
  }

  private partsNamed(
    parts: AssistantContentPart[],
    rename: (name: string) => string,
  ): AssistantContentPart[] {
    return parts.map((part) => (part.type === 'tool-call' ? { ...part, name: rename(part.name) } : part));
  }

  /** The upstream's answer with the client's own function names. */
  responseForClient(response: ChatResponse): ChatResponse {
    if (!this.renamesAny) return response;
    return { ...response, content: this.partsNamed(response.content, this.toClient) };
  }

  /** A streamed event of the upstream's answer with the client's own function names. */
  eventForClient(event: StreamEvent): StreamEvent {
    return event.type === 'tool-call-start' ? { ...event, name: this.toClient(event.name) } : event;
  }
}

/** Every function name of the request, declared or in the conversation, in order of appearance. */
function namesIn(request: ChatRequest): Set<string> {
  const names = new Set<string>();
  for (const tool of request.tools ?? []) names.add(tool.name);
  if (typeof request.toolChoice === 'object') names.add(request.toolChoice.name);
  for (const message of request.messages) {
    if (message.role === 'assistant') {
      for (const part of message.content) if (part.type === 'tool-call') names.add(part.name);
    } else if (message.role === 'tool') {
      for (const part of message.content) if (part.name !== undefined) names.add(part.name);
    }
  }
  return names;
}
