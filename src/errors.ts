/** Stable codes of the failures the SDK reports through its `error` event. */
export type CanaryErrorCode =
  | 'config-fetch'
  | 'config-invalid'
  | 'asset-load'
  | 'asset-refused'
  | 'canary-error'
  | 'storage'
  | 'options'
  | 'validator';

/** A failure the SDK survived: a stable `code`, a message a person can act on, and the cause. */
export class CanaryError extends Error {
  override name = 'CanaryError';
  constructor(
    readonly code: CanaryErrorCode,
    message: string,
    options?: { cause?: unknown; feature?: string; url?: string },
  ) {
    super(message, options);
    this.feature = options?.feature;
    this.url = options?.url;
  }
  readonly feature: string | undefined;
  readonly url: string | undefined;
}

/** `{ ok: true, value } | { ok: false, error }`, the shape of every fallible internal step. */
export type Result<T, E = CanaryError> = { ok: true; value: T } | { ok: false; error: E };
