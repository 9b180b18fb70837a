import { parseJsonBody } from '../../http/parse-json-body.ts';
import { invalid, isRecord, optionalNumber, optionalString, requiredString } from '../request-checks.ts';

/** The audio containers OpenAI's speech API produces. */
export const speechFormats = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;

export type SpeechFormat = (typeof speechFormats)[number];

/** OpenAI's limit on `input` (platform.openai.com/docs/api-reference/audio/createSpeech). */
export const maxSpeechInputCharacters = 4096;

/** An OpenAI speech request: what the gateway reads of it, and the body as sent. */
export interface OpenAiSpeechBody {
  json: Record<string, unknown>;
  model: string;
  input: string;
  format: SpeechFormat;
}

const isSpeechFormat = (value: string): value is SpeechFormat =>
  (speechFormats as readonly string[]).includes(value);

/** Characters as OpenAI counts them for its limit and its price: code points. */
export const characterCount = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

/** Parses and checks an OpenAI `POST /v1/audio/speech` body, by hand. */
export function parseOpenAiSpeechBody(raw: Buffer | undefined): OpenAiSpeechBody {
  const json = parseJsonBody(raw);
  const model = requiredString(json.model, 'model');
  const input = requiredString(json.input, 'input');
  if (characterCount(input) > maxSpeechInputCharacters) {
    throw invalid('input', `is longer than ${maxSpeechInputCharacters} characters`);
  }
  // A built-in voice by name, or a custom voice as `{id}`.
  const voice = json.voice;
  const voiceOk =
    (typeof voice === 'string' && voice !== '') ||
    (isRecord(voice) && typeof voice.id === 'string' && voice.id !== '');
  if (!voiceOk) throw invalid('voice', "is required: a voice name such as 'alloy', or {id}");
  const format = optionalString(json.response_format, 'response_format') ?? 'mp3';
  if (!isSpeechFormat(format)) throw invalid('response_format', `must be one of ${speechFormats.join(', ')}`);
  const speed = optionalNumber(json.speed, 'speed');
  if (speed !== undefined && (speed < 0.25 || speed > 4))
    throw invalid('speed', 'must be between 0.25 and 4.0');
  optionalString(json.instructions, 'instructions');
  const streamFormat = optionalString(json.stream_format, 'stream_format');
  if (streamFormat !== undefined && streamFormat !== 'audio' && streamFormat !== 'sse') {
    throw invalid('stream_format', "must be 'audio' or 'sse'");
  }
  return { json, model, input, format };
}
