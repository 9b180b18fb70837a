import type { ChatRequest } from '../core/chat-request.ts';
import type { ToolResultPart, UserContentPart } from '../core/content-part.ts';
import { GatewayError } from '../core/gateway-error.ts';

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

/** The part's image link, when it is one another upstream cannot fetch. */
function unfetchableLink(part: UserContentPart | ToolResultPart['content'][number]): string | undefined {
  if (part.type !== 'image' || part.source.kind !== 'url') return undefined;
  return fetchableByOthers(part.source.url) ? undefined : part.source.url;
}

/**
 * Refuses, before an OpenAI-format or Anthropic upstream is called, a request with an image link
 * that upstream cannot fetch: it would answer 400 about its own fields, and dropping the image would
 * answer a question about an image the model never saw. Checked only when encoding for such an
 * upstream, so the same request to a Gemini channel, and Gemini's own countTokens, still take it.
 */
export function refuseUnfetchableImageLinks(request: ChatRequest): void {
  for (const message of request.messages) {
    const parts =
      message.role === 'user'
        ? message.content
        : message.role === 'tool'
          ? message.content.flatMap((result) => result.content)
          : [];
    for (const part of parts) {
      const url = unfetchableLink(part);
      if (url === undefined) continue;
      throw new GatewayError(
        400,
        'invalid_request',
        `Invalid image link '${url}': this model's upstream cannot fetch Cloud Storage (gs://) or Files API links, which only Gemini can read; send the image as inlineData`,
      );
    }
  }
}
