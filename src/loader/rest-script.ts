import { currentScript } from '../assets/current-script';
import { scriptUrl } from '../assets/trusted-types';
import type { Attach } from './rest';
// Written by the build: the sha384 of dist/client-canary.validate.js (see rollup.config.mjs).
import { REST_INTEGRITY } from 'client-canary:rest-integrity';

/** The file beside the loader that holds the rest of the client and the validator. */
export const REST_FILE = 'client-canary.validate.js';

// Read while the loader runs: later, document.currentScript is someone else's.
const loader = currentScript(document);

/**
 * The loader's second chunk: `client-canary.validate.js` from beside the loader's own URL, a
 * classic script with the loader's nonce and the integrity of its build, through the Trusted Types
 * policy (which admits that one URL). It adds `attachClient` to `window.ClientCanary`.
 */
export const loadRest = (): Promise<Attach> =>
  new Promise<Attach>((resolve, reject) => {
    const src = new URL(REST_FILE, loader?.src || document.baseURI).href;
    const script = document.createElement('script');
    try {
      script.src = scriptUrl(window, src, (url) => url === src);
    } catch {
      throw new Error(`the page's Trusted Types refused ${src} (list client-canary in its trusted-types directive)`);
    }
    script.integrity = REST_INTEGRITY;
    // Integrity is checked in CORS mode only: a loader on a CDN needs CORS there too.
    script.crossOrigin = 'anonymous';
    if (loader?.nonce) script.nonce = loader.nonce;
    script.onload = () => {
      const attach = (window.ClientCanary as { attachClient?: Attach } | undefined)?.attachClient;
      if (attach) resolve(attach);
      else reject(new Error(`${REST_FILE} ran but gave no client`));
    };
    script.onerror = () => reject(new Error(`${src} could not load (host it beside the loader, with CORS when on another origin)`));
    document.head.appendChild(script);
  });
