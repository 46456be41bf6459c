import { currentScript } from '../assets/current-script';
import { insertSibling } from '../assets/sibling-script';
import type { WebVitals } from './vitals';
// Written by the build: the sha384 of dist/client-canary.vitals.js (see rollup.config.mjs).
import { VITALS_INTEGRITY } from 'client-canary:vitals-integrity';

/** The file beside the second chunk that holds Google's web-vitals. */
export const VITALS_FILE = 'client-canary.vitals.js';

// This chunk's own tag (the loader inserted it beside itself, with its nonce).
const chunk = currentScript(document);

type Api = { scriptUrl?: (win: Window, url: string, admit: (url: string) => boolean) => string; webVitals?: WebVitals } | undefined;

/**
 * `client-canary.vitals.js` from beside this chunk, through the loader's Trusted Types policy
 * (`ClientCanary.scriptUrl`: one policy per page). It adds `webVitals` to `window.ClientCanary`.
 */
export const loadWebVitals = (): Promise<WebVitals> =>
  insertSibling(VITALS_FILE, VITALS_INTEGRITY, chunk, (src) => (window.ClientCanary as Api)?.scriptUrl?.(window, src, (url) => url === src) ?? src).then(() => {
    const vitals = (window.ClientCanary as Api)?.webVitals;
    if (!vitals) throw new Error(`${VITALS_FILE} ran but gave no vitals`);
    return vitals;
  });
