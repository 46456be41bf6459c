/**
 * Exit codes of the CLI: 0 done (or pass), 1 invalid input or config, 2 conflict, 3 target or
 * metrics unreachable, 4 canary failed (and rolled back by `watch`), 5 inconclusive or held.
 */
export const EXIT = { ok: 0, invalid: 1, conflict: 2, unreachable: 3, failed: 4, held: 5 } as const;

/** A failure the CLI reports as one line (details with --verbose) and an exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
    readonly details?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
