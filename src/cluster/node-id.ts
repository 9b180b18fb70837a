import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** A gateway process's id on the bus: readable in logs, unique across restarts. */
export function newNodeId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
