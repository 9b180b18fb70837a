/** Progress and diagnostics go to stderr, so stdout holds only the results. */
export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
