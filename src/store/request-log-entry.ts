import type { NewRequestLog } from './schema.ts';

/** A request or response body as kept with a log row: text cut at the configured size. */
export interface CapturedBody {
  text: string;
  /** The whole body's size in bytes, kept or not. */
  bytes: number;
  truncated: boolean;
}

export interface LogBodies {
  request: CapturedBody | null;
  response: CapturedBody | null;
}

/** A log row on its way to the database, with its bodies when the operator keeps them. */
export type RequestLogEntry = NewRequestLog & { bodies?: LogBodies };
