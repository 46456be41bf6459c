import { currentScript } from '../assets/current-script';
import type { WebVitals } from './vitals';
// Written by the build: the sha384 of dist/client-canary.vitals.js (see rollup.config.mjs).
import { VITALS_INTEGRITY } from 'client-canary:vitals-integrity';

/** The file beside the second chunk that holds Google's web-vitals. */
export const VITALS_FILE = 'client-canary.vitals.js';

// This chunk's own tag (the loader inserted it beside itself, with its nonce).
const chunk = currentScript(document);

type Signer = (win: Window, url: string, admit: (url: string) => boolean) => string;

/**
 * `client-canary.vitals.js` from beside this chunk, with its nonce and the integrity of the
 * build, through the loader's Trusted Types policy (`ClientCanary.scriptUrl`). It adds
 * `webVitals` to `window.ClientCanary`.
 */
export const loadWebVitals = (): Promise<WebVitals> =>
  new Promise<WebVitals>((resolve, reject) => {
    const api = window.ClientCanary as { scriptUrl?: Signer; webVitals?: WebVitals } | undefined;
    const src = new URL(VITALS_FILE, chunk?.src || document.baseURI).href;
    const script = document.createElement('script');
    script.src = api?.scriptUrl ? api.scriptUrl(window, src, (url) => url === src) : src;
    script.integrity = VITALS_INTEGRITY;
    script.crossOrigin = 'anonymous';
    if (chunk?.nonce) script.nonce = chunk.nonce;
    script.onload = () => {
      const vitals = (window.ClientCanary as { webVitals?: WebVitals } | undefined)?.webVitals;
      if (vitals) resolve(vitals);
      else reject(new Error(`${VITALS_FILE} ran but gave no vitals`));
    };
    script.onerror = () => reject(new Error(`${src} could not load`));
    document.head.appendChild(script);
  });
