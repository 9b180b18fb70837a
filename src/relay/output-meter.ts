import type { ChatResponse } from '../core/chat-response.ts';
import type { StreamEvent } from '../core/stream-event.ts';
import { estimateTextTokens } from './estimate-tokens.ts';

/**
 * What the model produced, kept only to estimate usage when the upstream reports none: some
 * providers never do, and a stream cut mid-way never reaches its usage chunk.
 */
export class OutputMeter {
  #texts: string[] = [];
  #frames = 0;

  addEvent(event: StreamEvent): void {
    switch (event.type) {
      case 'text-delta':
      case 'thinking-delta':
        this.#texts.push(event.text);
        break;
      case 'tool-call-start':
        this.#texts.push(event.name);
        break;
      case 'tool-call-delta':
        this.#texts.push(event.argumentsDelta);
        break;
      default:
        break;
    }
  }

  addResponse(response: ChatResponse): void {
    for (const part of response.content) {
      if (part.type === 'tool-call') this.#texts.push(part.name, part.arguments);
      else this.#texts.push(part.text);
    }
  }

  /**
   * Content frames of an OpenAI-format stream relayed byte for byte: those upstreams send about one
   * token per frame, which is the estimate when their text was not parsed.
   */
  addFrames(frames: number): void {
    this.#frames += frames;
  }

  tokens(): number {
    return estimateTextTokens(this.#texts.join('')) + this.#frames;
  }
}
