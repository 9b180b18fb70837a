import type {
  AssistantContentPart,
  ImagePart,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../core/content-part.ts';
import type { Message } from '../../core/message.ts';
import { readSignature } from '../../core/thinking-signature.ts';
import { newToolCallId } from '../../core/tool-call-id.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import {
  invalid,
  optionalBoolean,
  optionalString,
  requiredArray,
  requiredRecord,
  requiredString,
} from '../request-checks.ts';
import { decodeGeminiDocument } from './decode-gemini-document.ts';
import { decodeGeminiMedia } from './decode-gemini-media.ts';
import { geminiField, optionalArray, optionalRecord } from './gemini-field.ts';

/** Part kinds the gateway cannot relay: dropped with a warning rather than refused. */
const unsupportedParts = [
  'executableCode',
  'codeExecutionResult',
  'toolCall',
  'toolResponse',
  'videoMetadata',
];

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** A function call of the latest model turn, waiting for its response. */
interface PendingCall {
  id: string;
  name: string;
  answered: boolean;
}

/**
 * A Gemini client's `contents` as core messages. Roles are `user` and `model` (`function`, from
 * older clients, counts as `user`). A user turn's `functionResponse` parts become a `tool` message,
 * its other parts a `user` message after it.
 *
 * Tool-call ids: a `functionCall` keeps the `id` newer clients send. Without one, its id is derived
 * from its position (`call_c3_p1`: contents[3].parts[1]), so the same call has the same id on every
 * turn of the conversation, which keeps an upstream's prompt cache valid. A `functionResponse`
 * without an id answers the first unanswered call of its name in the latest model turn, so parallel
 * calls of one function are matched in order.
 *
 * Thought signatures: on a `functionCall` part the signature is the call's own. On a thought part it
 * belongs to that thinking. On any other part (Gemini puts them on answer text) it becomes an empty
 * thinking part right after that part, which the encoders attach back to the part before it.
 * Consecutive thought parts join into one thinking part, until one carries a signature: a streamed
 * answer comes back from the client in pieces, and the signature closes the thinking it belongs to.
 * A thinking signature is Gemini's unless it carries the marker of another source (another
 * provider's thinking the gateway handed this client, see thinking-signature.ts).
 */
class ContentsDecoder {
  readonly messages: Message[] = [];
  #pending: PendingCall[] = [];
  #previousRole: 'model' | 'user' | undefined;

  constructor(private readonly warnings: TranslationWarning[]) {}

  content(raw: unknown, index: number): void {
    const param = `contents[${index}]`;
    const content = requiredRecord(raw, param);
    const role = optionalString(geminiField(content, 'role'), `${param}.role`) ?? 'user';
    const parts = requiredArray(geminiField(content, 'parts'), `${param}.parts`);
    if (parts.length === 0) throw invalid(`${param}.parts`, 'must not be empty');
    if (role === 'model') this.#modelTurn(parts, index, this.#previousRole === 'model');
    else if (role === 'user' || role === 'function') this.#userTurn(parts, index);
    else throw invalid(`${param}.role`, "must be 'user' or 'model'");
    this.#previousRole = role === 'model' ? 'model' : 'user';
  }

  /**
   * A model turn. The Google SDK's chat history keeps each streamed chunk as a content of its own,
   * so consecutive model contents are one turn: they join one assistant message.
   */
  #modelTurn(parts: unknown[], index: number, continues: boolean): void {
    const content: AssistantContentPart[] = [];
    if (!continues) this.#pending = [];
    for (const [partIndex, raw] of parts.entries()) {
      const param = `contents[${index}].parts[${partIndex}]`;
      const part = requiredRecord(raw, param);
      const signature = optionalString(geminiField(part, 'thoughtSignature'), `${param}.thoughtSignature`);
      const text = geminiField(part, 'text');
      const call = geminiField(part, 'functionCall');
      if (text !== undefined) {
        const value = requiredStringOrEmpty(text, `${param}.text`);
        const signed = signature ? readSignature(signature, 'gemini') : {};
        if (optionalBoolean(geminiField(part, 'thought'), `${param}.thought`) === true) {
          const last = content.at(-1);
          if (last?.type === 'thinking' && last.signature === undefined && last.redactedData === undefined) {
            last.text += value;
            Object.assign(last, signed);
          } else {
            content.push({ type: 'thinking', text: value, ...signed });
          }
          continue;
        }
        if (value !== '') content.push({ type: 'text', text: value });
        if (signature) content.push({ type: 'thinking', text: '', ...signed });
      } else if (call !== undefined) {
        const record = requiredRecord(call, `${param}.functionCall`);
        const name = requiredString(geminiField(record, 'name'), `${param}.functionCall.name`);
        const args = optionalRecord(geminiField(record, 'args'), `${param}.functionCall.args`) ?? {};
        const id =
          optionalString(geminiField(record, 'id'), `${param}.functionCall.id`) ||
          `call_c${index}_p${partIndex}`;
        content.push({
          type: 'tool-call',
          id,
          name,
          arguments: JSON.stringify(args),
          ...(signature ? { signature } : {}),
        });
        this.#pending.push({ id, name, answered: false });
      } else if (geminiField(part, 'functionResponse') !== undefined) {
        throw invalid(param, "a 'functionResponse' belongs in a user turn");
      } else {
        this.#unsupported(part, param, 'model turns carry text and function calls only');
      }
    }
    if (content.length === 0) return;
    const last = this.messages.at(-1);
    if (continues && last?.role === 'assistant') last.content.push(...content);
    else this.messages.push({ role: 'assistant', content });
  }

  /**
   * A user turn: its function responses as one `tool` message, then its other parts as one `user`
   * message. Gemini takes a turn's parts in any order, but the responses answer the model turn
   * before, and OpenAI refuses any message between an assistant's calls and their results.
   */
  #userTurn(parts: unknown[], index: number): void {
    const results: ToolResultPart[] = [];
    const content: UserContentPart[] = [];
    const add = (part: UserContentPart | ToolResultPart) => {
      if (part.type === 'tool-result') results.push(part);
      else content.push(part);
    };
    for (const [partIndex, raw] of parts.entries()) {
      const param = `contents[${index}].parts[${partIndex}]`;
      const part = requiredRecord(raw, param);
      const text = geminiField(part, 'text');
      const response = geminiField(part, 'functionResponse');
      if (text !== undefined) {
        const value = requiredStringOrEmpty(text, `${param}.text`);
        if (value !== '') add({ type: 'text', text: value });
      } else if (response !== undefined) {
        add(this.#toolResult(requiredRecord(response, `${param}.functionResponse`), param));
      } else if (
        geminiField(part, 'inlineData') !== undefined ||
        geminiField(part, 'fileData') !== undefined
      ) {
        const media = decodeGeminiDocument(part, param) ?? decodeGeminiMedia(part, param, this.warnings);
        if (media) add(media);
      } else if (geminiField(part, 'functionCall') !== undefined) {
        throw invalid(param, "a 'functionCall' belongs in a model turn");
      } else {
        this.#unsupported(part, param, 'user turns carry text, media and function responses only');
      }
    }
    if (results.length > 0) this.messages.push({ role: 'tool', content: results });
    if (content.length > 0) this.messages.push({ role: 'user', content });
  }

  #toolResult(response: Record<string, unknown>, partParam: string): ToolResultPart {
    const param = `${partParam}.functionResponse`;
    const name = requiredString(geminiField(response, 'name'), `${param}.name`);
    const body = optionalRecord(geminiField(response, 'response'), `${param}.response`) ?? {};
    const toolCallId = this.#answer(optionalString(geminiField(response, 'id'), `${param}.id`), name, param);
    // Google's convention: `output` holds the result, `error` the failure, else the whole object is the output.
    const keys = Object.keys(body);
    const isError = keys.length === 1 && keys[0] === 'error';
    const only = keys.length === 1 && (keys[0] === 'output' || isError) ? body[keys[0]!] : undefined;
    const content: (TextPart | ImagePart)[] = [
      { type: 'text', text: only !== undefined ? asText(only) : JSON.stringify(body) },
    ];
    // Gemini 3 takes media inside a function response (`functionResponse.parts`).
    const mediaParts = optionalArray(geminiField(response, 'parts'), `${param}.parts`) ?? [];
    for (const [index, raw] of mediaParts.entries()) {
      const image = decodeGeminiMedia(
        requiredRecord(raw, `${param}.parts[${index}]`),
        `${param}.parts[${index}]`,
        this.warnings,
      );
      if (image) content.push(image);
    }
    return { type: 'tool-result', toolCallId, name, content, ...(isError ? { isError: true } : {}) };
  }

  #answer(id: string | undefined, name: string, param: string): string {
    const pending = id
      ? this.#pending.find((call) => call.id === id)
      : this.#pending.find((call) => !call.answered && call.name === name);
    if (pending) {
      pending.answered = true;
      return pending.id;
    }
    if (id) return id;
    this.warnings.push({
      type: 'other',
      field: param,
      message: `No earlier functionCall of '${name}' is waiting for this response; it was given a new id`,
    });
    return newToolCallId();
  }

  #unsupported(part: Record<string, unknown>, param: string, why: string): void {
    const kind = unsupportedParts.find((name) => geminiField(part, name) !== undefined);
    if (kind === undefined) {
      throw invalid(param, 'must have one of text, inlineData, fileData, functionCall or functionResponse');
    }
    this.warnings.push({
      type: 'unsupported-content',
      field: `${param}.${kind}`,
      message: `Dropped: ${why}`,
    });
  }
}

function requiredStringOrEmpty(value: unknown, param: string): string {
  if (typeof value !== 'string') throw invalid(param, 'must be a string');
  return value;
}

/** A Gemini client's `contents` as core messages (see ContentsDecoder for the mapping). */
export function decodeGeminiContents(contents: unknown[], warnings: TranslationWarning[]): Message[] {
  const decoder = new ContentsDecoder(warnings);
  for (const [index, content] of contents.entries()) decoder.content(content, index);
  return decoder.messages;
}
