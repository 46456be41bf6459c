import type { WebVitals } from './vitals';

/**
 * Google's `web-vitals`, as a chunk of its own (a dynamic import): never on the critical path. The
 * script tag's second chunk swaps this module for vitals-script.ts, which inserts
 * `client-canary.vitals.js` beside it (rollup.config.mjs).
 */
export const loadWebVitals = (): Promise<WebVitals> => import('web-vitals');
