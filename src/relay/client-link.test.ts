import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { ClientLink } from './client-link.ts';
import { UpstreamCall } from './upstream-call.ts';

/** The part of a ServerResponse a link watches: its `close` event and whether it had finished. */
class FakeResponse extends EventEmitter {
  writableFinished = false;
}

/** An upstream call under way, and the reasons it was aborted with. */
function callUnderWay(): { call: UpstreamCall; aborts: Error[] } {
  const aborts: Error[] = [];
  const controller: Dispatcher.DispatchController = {
    aborted: false,
    paused: false,
    reason: null,
    abort: (reason: Error) => {
      aborts.push(reason);
    },
    pause: () => {},
    resume: () => {},
  };
  const call = new UpstreamCall();
  call.onRequestStart(controller);
  return { call, aborts };
}

const linkFor = (response: FakeResponse) => new ClientLink(response as unknown as ServerResponse);

describe('ClientLink', () => {
  it('aborts the current upstream call when the client disconnects, logged as client_closed', () => {
    const response = new FakeResponse();
    const link = linkFor(response);
    const { call, aborts } = callUnderWay();
    link.attach(call);
    response.emit('close');
    expect(link.gone).toBe(true);
    expect(link.goneOutcome).toBe('client_closed');
    expect(aborts.map((error) => error.message)).toEqual(['client disconnected']);
  });

  it('leaves the call alone when the response closes after it was sent whole', () => {
    const response = new FakeResponse();
    const link = linkFor(response);
    const { call, aborts } = callUnderWay();
    link.attach(call);
    response.writableFinished = true;
    response.emit('close');
    expect(link.gone).toBe(false);
    expect(aborts).toEqual([]);
  });

  it('cancels: aborts the current call and any attached later, logged as cancelled', () => {
    const response = new FakeResponse();
    const link = linkFor(response);
    const first = callUnderWay();
    link.attach(first.call);
    link.cancel();
    expect(link.gone).toBe(true);
    expect(link.goneOutcome).toBe('cancelled');
    expect(first.aborts).toHaveLength(1);
    const later = callUnderWay();
    link.attach(later.call);
    expect(later.aborts).toHaveLength(1);
    // The client leaving afterwards changes nothing of why the request ended.
    response.emit('close');
    expect(link.goneOutcome).toBe('cancelled');
  });

  it('ends a pause between attempts when cancelled (else the test times out)', async () => {
    const link = linkFor(new FakeResponse());
    const paused = link.pause(60_000);
    link.cancel();
    await expect(paused).resolves.toBeUndefined();
  });
});
