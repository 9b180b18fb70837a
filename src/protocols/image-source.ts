import type { ImageSource } from '../core/content-part.ts';

const dataUrl = /^data:([^;,]+);base64,(.*)$/s;

/** A URL as OpenAI takes images: `data:` URLs carry base64 inline. */
export function imageSourceFromUrl(url: string): ImageSource {
  const match = dataUrl.exec(url);
  return match ? { kind: 'base64', mediaType: match[1]!, data: match[2]! } : { kind: 'url', url };
}

export const imageSourceToUrl = (source: ImageSource): string =>
  source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
