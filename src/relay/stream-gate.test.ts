import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/gateway-error.ts';
import { StreamGate } from './stream-gate.ts';

const error = new GatewayError(502, 'upstream_error', 'overloaded');

describe('StreamGate', () => {
  it('stays shut through the preamble and opens on the first content', () => {
    const gate = new StreamGate();
    expect(gate.see({ type: 'message-start', id: 'm', model: 'x', created: 0 })).toBe(true);
    expect(gate.see({ type: 'text-delta', text: '' })).toBe(true);
    expect(gate.open).toBe(false);
    expect(gate.see({ type: 'text-delta', text: 'Hi' })).toBe(true);
    expect(gate.open).toBe(true);
    // After the first content an error is the client's to see.
    expect(gate.see({ type: 'error', error })).toBe(true);
    expect(gate.error).toBeUndefined();
  });

  it('holds an error that comes before any content, and lets nothing after it through', () => {
    const gate = new StreamGate();
    gate.see({ type: 'message-start', id: 'm', model: 'x', created: 0 });
    expect(gate.see({ type: 'error', error })).toBe(false);
    expect(gate.error).toBe(error);
    expect(gate.see({ type: 'text-delta', text: 'late' })).toBe(false);
    expect(gate.open).toBe(false);
  });

  it('opens on a finish without text (a refusal is an answer too)', () => {
    const gate = new StreamGate();
    gate.see({ type: 'finish', reason: { unified: 'content-filter', raw: 'SAFETY' } });
    expect(gate.open).toBe(true);
  });

  it('opens on content seen without decoding, unless an error came first', () => {
    const gate = new StreamGate();
    gate.seeContent();
    expect(gate.open).toBe(true);
    const failed = new StreamGate();
    failed.see({ type: 'error', error });
    failed.seeContent();
    expect(failed.open).toBe(false);
    expect(failed.error).toBe(error);
  });
});
