import type { ImagePart } from '../core/content-part.ts';

/**
 * Whether an upstream other than Gemini can fetch an image link: OpenAI and Anthropic fetch only
 * plain http(s) URLs, while a Google SDK client may point at a `gs://` object or a Files API upload
 * (readable with the client's Google key only).
 */
function fetchableByOthers(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  return !(parsed.hostname === 'generativelanguage.googleapis.com' && parsed.pathname.includes('/files/'));
}

/**
 * Image types Gemini takes and the others refuse. Gemini's image understanding takes PNG, JPEG,
 * WebP, HEIC and HEIF (ai.google.dev/gemini-api/docs/image-understanding); OpenAI only PNG, JPEG,
 * WebP and non-animated GIF (platform.openai.com/docs/guides/images-vision), and Anthropic only
 * `image/jpeg`, `image/png`, `image/gif` and `image/webp` (docs.claude.com, "Vision").
 */
const geminiOnlyTypes: ReadonlySet<string> = new Set(['image/heic', 'image/heif']);

/**
 * Why only a Gemini upstream can take this image, saying what the client can change, or undefined
 * when an OpenAI-format or Anthropic upstream takes it too: a link they cannot fetch (`gs://`, the
 * Files API), or an inline HEIC/HEIF image.
 */
export function imageOnlyGeminiTakes(image: ImagePart): string | undefined {
  const { source } = image;
  switch (source.kind) {
    case 'url':
      return fetchableByOthers(source.url)
        ? undefined
        : `only Gemini can fetch the image link '${source.url}' (Cloud Storage gs:// and Files API links are readable by Gemini alone); send the image as inlineData`;
    case 'base64': {
      const mediaType = source.mediaType.toLowerCase();
      return geminiOnlyTypes.has(mediaType)
        ? `only Gemini takes '${mediaType}' images (the others take JPEG, PNG, GIF and WebP); convert the image to JPEG or PNG`
        : undefined;
    }
    default: {
      const unreachable: never = source;
      throw new Error(`unknown image source ${JSON.stringify(unreachable)}`);
    }
  }
}
