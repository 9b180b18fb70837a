import type { GeneratedImages } from '../../core/generated-image.ts';

/**
 * Images in OpenAI's shape (`{created, data: [{b64_json} | {url}], usage?}`), for an answer from an
 * upstream of another format. Such upstreams return the bytes only, so a client asking for `url`
 * gets a `data:` URL holding them: the gateway keeps no files to link to.
 */
export function encodeOpenAiImagesResponse(
  generated: GeneratedImages,
  responseFormat: 'url' | 'b64_json' | undefined,
  created = Math.floor(Date.now() / 1000),
) {
  const { usage } = generated;
  return {
    created,
    data: generated.images.map((image) =>
      responseFormat === 'url'
        ? { url: `data:${image.mimeType};base64,${image.base64}` }
        : { b64_json: image.base64 },
    ),
    ...(usage === undefined
      ? {}
      : {
          usage: {
            input_tokens: usage.inputTokens,
            output_tokens: usage.outputTokens,
            total_tokens: usage.inputTokens + usage.outputTokens,
          },
        }),
  };
}
