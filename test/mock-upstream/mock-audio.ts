/**
 * Real audio bytes for the mock's speech route, in each container OpenAI's `/v1/audio/speech`
 * offers: enough of each format for a player (or `file`) to recognise it. Deterministic, so tests
 * can compute what the mock sent. The tone is 440 Hz, 24 kHz mono 16-bit, OpenAI's `pcm` layout.
 */

export type AudioFormat = 'mp3' | 'opus' | 'aac' | 'flac' | 'wav' | 'pcm';

const sampleRate = 24_000;

/** What OpenAI sends as the content type of each container. */
export const audioContentTypes: Readonly<Record<AudioFormat, string>> = {
  mp3: 'audio/mpeg',
  opus: 'audio/opus',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

/** Signed 16-bit little-endian samples of a 440 Hz tone, `samples` long. */
function pcm(samples: number): Buffer {
  const bytes = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index++) {
    bytes.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * index) / sampleRate)), index * 2);
  }
  return bytes;
}

/** A RIFF/WAVE file: the 44-byte canonical header, then the PCM data. */
function wav(data: Buffer): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** MPEG-1 Layer III frames, 128 kbit/s at 44.1 kHz: header FF FB 90 64, 417 bytes each, silent. */
function mp3(frames: number): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x64]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

/** ADTS frames of AAC-LC, 24 kHz mono (sampling index 6, channel configuration 1). */
function aac(frames: number): Buffer {
  const payload = 64;
  const length = 7 + payload;
  const frame = Buffer.alloc(length);
  frame[0] = 0xff;
  frame[1] = 0xf1; // sync, MPEG-4, layer 0, no CRC
  frame[2] = (1 << 6) | (6 << 2); // profile LC (object type 2, stored as 1), 24 kHz
  frame[3] = (1 << 6) | ((length >> 11) & 0x03); // one channel; frame length's top bits
  frame[4] = (length >> 3) & 0xff;
  frame[5] = ((length & 0x07) << 5) | 0x1f; // buffer fullness 0x7FF (variable)
  frame[6] = 0xfc;
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

/** `fLaC`, a last STREAMINFO block (24 kHz, mono, 16-bit), then frame bytes opening with the sync code. */
function flac(samples: number): Buffer {
  const info = Buffer.alloc(4 + 34);
  info[0] = 0x80; // last metadata block, type 0 (STREAMINFO)
  info.writeUIntBE(34, 1, 3);
  info.writeUInt16BE(4096, 4); // min block size
  info.writeUInt16BE(4096, 6); // max block size
  // Sample rate (20 bits), channels - 1 (3 bits), bits per sample - 1 (5 bits), total samples (36 bits).
  const packed = (BigInt(sampleRate) << 44n) | (0n << 41n) | (15n << 36n) | BigInt(samples);
  info.writeBigUInt64BE(packed, 14);
  const frame = Buffer.alloc(64);
  frame.set([0xff, 0xf8]);
  return Buffer.concat([Buffer.from('fLaC', 'ascii'), info, frame]);
}

// Ogg's CRC-32 (polynomial 0x04C11DB7, no reflection), over the page with its CRC field zeroed.
const crcTable = Array.from({ length: 256 }, (_, index) => {
  let crc = index << 24;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  return crc >>> 0;
});

function oggCrc(page: Buffer): number {
  let crc = 0;
  for (const byte of page) crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}

function oggPage(packet: Buffer, sequence: number, headerType: number, granule: bigint): Buffer {
  const segments: number[] = [];
  for (let left = packet.length; ; left -= 255) {
    segments.push(Math.min(255, left));
    if (left < 255) break;
  }
  const header = Buffer.alloc(27 + segments.length);
  header.write('OggS', 0, 'ascii');
  header[5] = headerType;
  header.writeBigUInt64LE(granule, 6);
  header.writeUInt32LE(0x5357_4244, 14); // stream serial number
  header.writeUInt32LE(sequence, 18);
  header[26] = segments.length;
  header.set(segments, 27);
  const page = Buffer.concat([header, packet]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** An Ogg Opus stream: the OpusHead and OpusTags pages, then silent 20 ms packets. */
function opus(packets: number): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'ascii');
  head[8] = 1; // version
  head[9] = 1; // channels
  head.writeUInt16LE(312, 10); // pre-skip
  head.writeUInt32LE(sampleRate, 12);
  const vendor = 'switchboard-mock';
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write('OpusTags', 0, 'ascii');
  tags.writeUInt32LE(vendor.length, 8);
  tags.write(vendor, 12, 'ascii');
  const pages = [oggPage(head, 0, 0x02, 0n), oggPage(tags, 1, 0, 0n)];
  // TOC byte 0xF8: CELT-only fullband 20 ms, one frame; a 3-byte packet is silence.
  for (let index = 0; index < packets; index++) {
    const last = index === packets - 1;
    pages.push(
      oggPage(Buffer.from([0xf8, 0xff, 0xfe]), index + 2, last ? 0x04 : 0, BigInt((index + 1) * 960)),
    );
  }
  return Buffer.concat(pages);
}

/** The whole audio the mock speaks for `input` in `format`: longer input, longer audio. */
export function speechAudio(format: AudioFormat, input: string): Buffer {
  const tenths = Math.min(50, Math.max(2, Math.ceil(input.length / 8)));
  const samples = (sampleRate / 10) * tenths;
  switch (format) {
    case 'pcm':
      return pcm(samples);
    case 'wav':
      return wav(pcm(samples));
    case 'mp3':
      return mp3(tenths * 4);
    case 'aac':
      return aac(tenths * 3);
    case 'flac':
      return flac(samples);
    case 'opus':
      return opus(tenths * 5);
    default: {
      const unknown: never = format;
      throw new Error(`unknown audio format ${String(unknown)}`);
    }
  }
}

/** `audio` cut into `chunks` pieces of nearly equal size, in order. */
export function splitAudio(audio: Buffer, chunks: number): Buffer[] {
  const count = Math.max(1, Math.min(chunks, audio.length));
  const size = Math.ceil(audio.length / count);
  const pieces: Buffer[] = [];
  for (let at = 0; at < audio.length; at += size) pieces.push(audio.subarray(at, at + size));
  return pieces;
}
