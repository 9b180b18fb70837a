import type { Logger } from 'pino';
import type { NewRequestLog } from '../store/schema.ts';
import { BatchWriter, type BatchSink, type BatchWriterOptions } from './batch-writer.ts';

export type RequestLogSink = BatchSink<NewRequestLog>;

/** The request log's batched writer: rows are written off the request path and never dropped. */
export class RequestLogWriter extends BatchWriter<NewRequestLog> {
  constructor(sink: RequestLogSink, logger: Logger, options: Omit<BatchWriterOptions, 'label'>) {
    super(sink, logger, { ...options, label: 'request log' });
  }
}
