/** An image-generation request, whatever format it came in. */
export interface ImageRequest {
  model: string;
  prompt: string;
  /** How many images. */
  count: number;
  /** `WIDTHxHEIGHT`, or undefined for the model's default (`auto`). */
  size: { width: number; height: number } | undefined;
  /** How the client wants each image: a URL, or the bytes in base64. */
  responseFormat: 'url' | 'b64_json' | undefined;
}
