import type { Usage } from './usage.ts';

/** What an upstream made of an image request: the images in base64, and its usage if reported. */
export interface GeneratedImages {
  images: { mimeType: string; base64: string }[];
  usage: Usage | undefined;
  /** Why the upstream stopped, when it made no image (a safety block). */
  refusal: string | undefined;
}
