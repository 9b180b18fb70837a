import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

/** Writes upstream chunks to the client, transformed by `transform`, honouring backpressure. */
export async function streamToClient(
  body: Readable,
  response: ServerResponse,
  transform: (chunk: Buffer) => Buffer | undefined,
  signal: AbortSignal,
): Promise<void> {
  for await (const chunk of body) {
    const out = transform(chunk as Buffer);
    if (out && !response.write(out)) await once(response, 'drain', { signal });
  }
}
