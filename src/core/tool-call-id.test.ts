import { describe, expect, it } from 'vitest';
import { embedSignature, extractSignature, newToolCallId } from './tool-call-id.ts';

describe('tool-call ids carrying a thought signature', () => {
  const signature =
    'Eqo+Cqc+Ab4+9vtgONaaz6qwy6WXdp7gCd2w0X+Wz2gaBgY0Gv6A12JKo0y5vQwf9YQ/yhMbKr1E9m17VT6HXd7jXzjaGYaE';

  it('round-trips the signature through an id made only of [A-Za-z0-9_-]', () => {
    const id = embedSignature(newToolCallId(), signature);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(extractSignature(id).signature).toBe(signature);
  });

  it('leaves ids without a signature alone, and does not embed twice', () => {
    const plain = newToolCallId();
    expect(embedSignature(plain, undefined)).toBe(plain);
    expect(extractSignature(plain)).toEqual({ id: plain, signature: undefined });
    const once = embedSignature(plain, signature);
    expect(embedSignature(once, signature)).toBe(once);
  });

  it('makes unique ids', () => {
    expect(new Set(Array.from({ length: 1000 }, () => newToolCallId())).size).toBe(1000);
  });
});
