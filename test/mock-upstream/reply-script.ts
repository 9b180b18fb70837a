import type { MockReply } from './mock-reply.ts';

/** The scripted replies: a FIFO queue, then the default once it runs dry. */
export class ReplyScript {
  private queue: MockReply[] = [];
  private head = 0;
  private fallback: MockReply = { kind: 'echo' };

  enqueue(replies: readonly MockReply[]): void {
    this.queue.push(...replies);
  }

  setDefault(reply: MockReply): void {
    this.fallback = reply;
  }

  next(): MockReply {
    const reply = this.queue[this.head];
    if (reply === undefined) return this.fallback;
    this.head += 1;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    return reply;
  }

  reset(): void {
    this.queue = [];
    this.head = 0;
    this.fallback = { kind: 'echo' };
  }
}
