import type { OpenAiSpeechBody } from '../protocols/openai-speech/parse-openai-speech-body.ts';
import { characterCount } from '../protocols/openai-speech/parse-openai-speech-body.ts';
import { audioStreamHandlers } from './audio-stream-handlers.ts';
import { bodyWithModel } from './body-with-model.ts';
import type { EndpointCall } from './endpoint-call.ts';
import { primeStream, type PrimedStream } from './relay-stream.ts';
import { takeWhole } from './take-answer.ts';
import { openAiUpstreamPath } from './upstream-path.ts';
import { sendWholeAnswer, type WholeAnswer } from './whole-json-answer.ts';

/** An accepted speech answer: audio flowing through, or (rarely) a whole JSON body. */
export type SpeechAnswer = { kind: 'audio'; stream: PrimedStream; contentType: string } | WholeAnswer;

/** What OpenAI sends for each container, for an upstream that names none. */
const contentTypes: Readonly<Record<OpenAiSpeechBody['format'], string>> = {
  mp3: 'audio/mpeg',
  opus: 'audio/opus',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

/**
 * `POST /v1/audio/speech` for the generic pipeline: OpenAI-format channels only, which get the
 * client's body (the model renamed). The audio is relayed as it arrives, never buffered, with the
 * upstream's content type; a JSON answer (an error inside a 200) is read whole instead, so that it
 * fails over. Priced by input characters: the record's units.
 */
export function speechCall(
  parsed: OpenAiSpeechBody,
  raw: Buffer,
  endpoint: string,
): EndpointCall<SpeechAnswer> {
  return {
    kind: 'speech',
    surface: 'openai',
    endpoint,
    model: parsed.model,
    units: characterCount(parsed.input),
    serves: (channel) => channel.provider.protocol === 'openai-chat',
    unservedMessage: `No channel of model '${parsed.model}' serves speech (OpenAI-format channels do)`,
    request: (channel, model) => ({
      origin: channel.origin,
      path: openAiUpstreamPath(channel, model, 'audio/speech'),
      headers: channel.headers,
      body: bodyWithModel(raw, parsed.json, parsed.model, model),
    }),
    async take(answer, _record, link) {
      const contentType = answer.call.headers['content-type'];
      const type = typeof contentType === 'string' ? contentType : contentTypes[parsed.format];
      if (type.startsWith('application/json')) {
        const whole = await takeWhole(answer, link);
        return whole.ok ? { ok: true, value: { kind: 'same-format', bytes: whole.value.bytes } } : whole;
      }
      const primed = await primeStream(answer, audioStreamHandlers(), link);
      return primed.ok
        ? { ok: true, value: { kind: 'audio', stream: primed.value, contentType: type } }
        : primed;
    },
    send(reply, headers, value, answer) {
      if (value.kind !== 'audio') return sendWholeAnswer(reply, headers, value, answer);
      return value.stream.pipe(reply, {
        ...headers,
        'content-type': value.contentType,
        // Not an event stream: these would only confuse a client saving a file.
        'cache-control': 'no-store',
      });
    },
  };
}
