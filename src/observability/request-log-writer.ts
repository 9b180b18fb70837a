import type { Logger } from 'pino';
import type { RequestLogEntry } from '../store/request-log-entry.ts';
import type { NewRequestLog } from '../store/schema.ts';
import { BatchWriter, type BatchSink, type BatchWriterOptions } from './batch-writer.ts';

export type RequestLogSink = BatchSink<NewRequestLog>;

/** A refused row as the operator's log shows it: without its bodies (up to twice 4 MiB of a client's text). */
function withoutBodies(row: RequestLogEntry): unknown {
  if (row.bodies === undefined) return row;
  const { bodies: _bodies, ...rest } = row;
  return { ...rest, bodies: 'left out of this log' };
}

/**
 * The request log's batched writer: rows are written off the request path, and a row the database
 * refuses is set aside without holding back the others (see BatchWriter).
 */
export class RequestLogWriter extends BatchWriter<NewRequestLog> {
  constructor(
    sink: RequestLogSink,
    logger: Logger,
    options: Omit<BatchWriterOptions<NewRequestLog>, 'label' | 'describe'>,
  ) {
    super(sink, logger, { ...options, label: 'request log', describe: withoutBodies });
  }
}
