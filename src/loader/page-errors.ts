/** One error of the page, as the health record will carry it (SPEC 8). */
export interface PageError {
  type: 'error' | 'rejection' | 'csp';
  message: string;
  /** The script it came from, or the blocked URL of a CSP violation. */
  source?: string;
  /** The feature one of whose assets (canary or stable) threw. */
  feature?: string;
  /** ms since the page started (performance.now()). */
  at: number;
}

/** The page's errors from its first moment: at most 20 kept, the rest counted. */
export interface PageErrors {
  list: PageError[];
  dropped: number;
}

const KEPT = 20;

/**
 * Buffers into `errors` the page's uncaught errors, unhandled rejections and CSP violations from the moment the
 * loader runs (an error from one of a feature's assets names the feature), and calls
 * `onCanaryError` for an uncaught error thrown by a canary script of this page (its `filename` is
 * one of the feature's canary asset URLs): the guard counts those.
 */
export function bufferPageErrors(
  win: Window | undefined,
  errors: PageErrors,
  assets: { canaryOf(url: string): string | undefined; featureOf(url: string): string | undefined },
  onCanaryError: (feature: string, event: ErrorEvent) => void,
): void {
  const keep = (error: PageError) => (errors.list.length < KEPT ? errors.list.push(error) : errors.dropped++);
  const text = (value: unknown) => {
    try {
      return String(value instanceof Error ? value.message : value).slice(0, 500);
    } catch {
      return '';
    }
  };
  win?.addEventListener('error', (event) => {
    // A plain `error` Event (no message) is no thrown error.
    if (typeof event.message !== 'string') return;
    const source = typeof event.filename === 'string' ? event.filename : '';
    keep({ type: 'error', message: text(event.message), source: source || undefined, feature: assets.featureOf(source), at: performance.now() });
    const canary = assets.canaryOf(source);
    if (canary) onCanaryError(canary, event);
  });
  win?.addEventListener('unhandledrejection', (event) => keep({ type: 'rejection', message: text(event.reason), at: performance.now() }));
  win?.addEventListener('securitypolicyviolation', (event) => keep({ type: 'csp', message: event.violatedDirective, source: event.blockedURI, at: performance.now() }));
}
