import { describe, expect, it } from 'vitest';
import { speechAudio, splitAudio, type AudioFormat } from './mock-audio.ts';

describe('speechAudio', () => {
  it('writes a canonical WAV header over the PCM samples', () => {
    const wav = speechAudio('wav', 'hello');
    const pcm = speechAudio('pcm', 'hello');
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.subarray(8, 16).toString('ascii')).toBe('WAVEfmt ');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.readUInt16LE(20)).toBe(1); // PCM
    expect(wav.readUInt32LE(24)).toBe(24_000);
    expect(wav.subarray(36, 40).toString('ascii')).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(pcm.length);
    expect(wav.subarray(44).equals(pcm)).toBe(true);
  });

  it('starts each container with its signature', () => {
    const starts: Record<AudioFormat, number[]> = {
      mp3: [0xff, 0xfb, 0x90, 0x64],
      aac: [0xff, 0xf1],
      opus: [...Buffer.from('OggS')],
      flac: [...Buffer.from('fLaC')],
      wav: [...Buffer.from('RIFF')],
      pcm: [0, 0],
    };
    for (const [format, start] of Object.entries(starts)) {
      expect([...speechAudio(format as AudioFormat, 'x').subarray(0, start.length)], format).toEqual(start);
    }
  });

  it('frames MP3 and ADTS back to back at their stated lengths', () => {
    const mp3 = speechAudio('mp3', 'abc');
    expect(mp3.length % 417).toBe(0);
    expect([...mp3.subarray(417, 419)]).toEqual([0xff, 0xfb]);
    const aac = speechAudio('aac', 'abc');
    const length = ((aac[3]! & 0x03) << 11) | (aac[4]! << 3) | (aac[5]! >> 5);
    expect(length).toBe(71);
    expect([...aac.subarray(length, length + 2)]).toEqual([0xff, 0xf1]);
  });

  it('pages Ogg Opus with OpusHead first', () => {
    const opus = speechAudio('opus', 'abc');
    expect(opus.subarray(28, 36).toString('ascii')).toBe('OpusHead');
    expect(opus[5]).toBe(0x02); // beginning of stream
  });

  it('makes longer audio for longer input, the same for the same', () => {
    expect(speechAudio('pcm', 'x'.repeat(200)).length).toBeGreaterThan(speechAudio('pcm', 'x').length);
    expect(speechAudio('flac', 'same').equals(speechAudio('flac', 'same'))).toBe(true);
  });
});

describe('splitAudio', () => {
  it('cuts into the asked number of pieces that join back to the whole', () => {
    const audio = speechAudio('wav', 'hello there');
    const pieces = splitAudio(audio, 4);
    expect(pieces).toHaveLength(4);
    expect(Buffer.concat(pieces).equals(audio)).toBe(true);
  });
});
