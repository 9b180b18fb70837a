import type { ProtocolName } from '../protocols/wire-protocol.ts';

/**
 * Thinking signatures are provider-specific: Anthropic refuses a Gemini `thoughtSignature` sent as
 * a thinking `signature`, and Gemini the reverse. So each one keeps its source (`signatureSource`),
 * upstream encoders send only their own, and when a client is handed a signature from another
 * format, the signature goes out with a marker naming its source in front: `SwbdGmni` + a Gemini
 * signature to an Anthropic client, `SwbdAnth` + an Anthropic signature to a Gemini client. The
 * client decoders take the marker off and restore the source when the client sends the thinking
 * back, so a conversation that moves between providers keeps every signature intact.
 *
 * A marker is 8 characters of `[A-Za-z0-9]`: a multiple of 4 from the base64 alphabet, so a marked
 * base64 signature is still valid base64 (Google's Python SDK reads `thoughtSignature` as bytes),
 * and without `+`, `/` or `=`, so base64url re-encoding leaves the marker alone.
 */
const markers: Readonly<Record<ProtocolName, string>> = {
  'anthropic-messages': 'SwbdAnth',
  gemini: 'SwbdGmni',
  'openai-chat': 'SwbdOaic',
};

const sources = Object.keys(markers) as ProtocolName[];

/** Whether an upstream of `format` takes this signature: its own, or one from before sources were recorded. */
export const isOwnSignature = (source: ProtocolName | undefined, format: ProtocolName): boolean =>
  source === undefined || source === format;

/** A signature as a client of `client`'s format gets it: marked when another format made it. */
export function markSignature(
  signature: string,
  source: ProtocolName | undefined,
  client: ProtocolName,
): string {
  return source === undefined || source === client ? signature : `${markers[source]}${signature}`;
}

/**
 * A signature a client of `client`'s format sent back: without its marker, and with its source
 * (the client's own format when unmarked).
 */
export function readSignature(
  value: string,
  client: ProtocolName,
): { signature: string; signatureSource: ProtocolName } {
  for (const source of sources) {
    const marker = markers[source];
    if (value.startsWith(marker)) return { signature: value.slice(marker.length), signatureSource: source };
  }
  return { signature: value, signatureSource: client };
}
