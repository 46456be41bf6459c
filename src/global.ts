/**
 * The script-tag bundle's globals for TypeScript, shipped as `client-canary/global`: a page that
 * loads `client-canary.min.js` by script tag and has the package installed for its types writes
 *
 * @example
 * /// <reference types="client-canary/global" />
 * // or: import type {} from 'client-canary/global';
 * (window.clientCanaryQueue ||= []).push((client) => client.isCanary('app'));
 * if (window.clientCanary?.isCanary('app')) startNewApp();
 */
import type * as ClientCanaryApi from './index';
import type { CanaryClient } from './index';

// Type-only: rollup.config.mjs rolls this file into dist/global.d.ts (and .d.cts) over the public
// types. A .ts file, not a .d.ts, so that `npm run typecheck` (skipLibCheck skips .d.ts files)
// checks it beside src/browser.ts's own `declare global`: TypeScript refuses two declarations of
// one Window property with different types, so these stay exactly the bundle's globals.

declare global {
  interface Window {
    /**
     * bucketOf, decide and effectivePercentage from the loader; parseConfig and CanaryError once
     * client-canary.validate.js has run; createCanary in the all-in-one build.
     */
    ClientCanary?: Pick<typeof ClientCanaryApi, 'bucketOf' | 'decide' | 'effectivePercentage'> & Partial<Pick<typeof ClientCanaryApi, 'createCanary' | 'parseConfig' | 'CanaryError'>>;
    /** The client the script tag started from its data-* attributes. */
    clientCanary?: CanaryClient;
    /** Callbacks to run with the client once it exists: `(window.clientCanaryQueue ||= []).push((client) => …)`. */
    clientCanaryQueue?: ((client: CanaryClient) => void)[] | { push(...callbacks: ((client: CanaryClient) => void)[]): void };
  }
}

export {};
