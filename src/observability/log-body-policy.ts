import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import {
  defaultOperatorSettings,
  readOperatorSettings,
  type OperatorSettings,
} from '../admin/operator-settings.ts';
import type { SettingsRepository } from '../store/settings-repository.ts';
import { LogBodyCapture } from './log-body-capture.ts';

/**
 * Whether request and response bodies go with log rows, and how much of each: the operator's
 * `log_bodies` and `log_body_max_bytes` settings, held in memory so the relay never asks the
 * database. Changes made on this node apply at once; the store is re-read every `refreshMs` for
 * changes made on other nodes.
 */
export class LogBodyPolicy {
  #enabled = defaultOperatorSettings.log_bodies;
  #maxBytes = defaultOperatorSettings.log_body_max_bytes;
  #timer: NodeJS.Timeout | undefined;

  get enabled(): boolean {
    return this.#enabled;
  }

  apply(settings: Pick<OperatorSettings, 'log_bodies' | 'log_body_max_bytes'>): void {
    this.#enabled = settings.log_bodies;
    this.#maxBytes = settings.log_body_max_bytes;
  }

  /**
   * A capture for one request, or undefined — bodies off, or the client sent
   * `X-Switchboard-No-Log: 1` (API.md 1.4: metering only, never the text).
   */
  capture(headers: IncomingHttpHeaders, requestBody: Buffer): LogBodyCapture | undefined {
    if (!this.#enabled || headers['x-switchboard-no-log'] === '1') return undefined;
    return new LogBodyCapture(this.#maxBytes, requestBody);
  }

  /** Reads the settings now, then every `refreshMs` (0: never again) off the request path. */
  async start(settings: SettingsRepository, logger: Logger, refreshMs: number): Promise<void> {
    this.apply(await readOperatorSettings(settings));
    if (refreshMs <= 0) return;
    this.#timer = setInterval(() => {
      readOperatorSettings(settings).then(
        (current) => this.apply(current),
        (error: unknown) => logger.warn({ err: error }, 'reading the log body settings failed'),
      );
    }, refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
