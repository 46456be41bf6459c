import { currentScript } from '../assets/current-script';
import { scriptUrl } from '../assets/trusted-types';
import type { Validate } from './validator';
// Written by the build: the sha384 of dist/client-canary.validate.js (see rollup.config.mjs).
import { VALIDATOR_INTEGRITY } from 'client-canary:validator-integrity';

/** The file beside the loader that holds the validator. */
export const VALIDATOR_FILE = 'client-canary.validate.js';

// Read while the loader runs: later, document.currentScript is someone else's.
const loader = currentScript(typeof document === 'object' ? document : undefined);
let loading: Promise<Validate> | undefined;

/**
 * The script-tag loader's validator: `client-canary.validate.js` from beside the loader's own URL,
 * a classic script with the loader's nonce and the integrity of its build, through the Trusted
 * Types policy (which admits that one URL). It adds `parseConfig` to `window.ClientCanary`.
 */
export const loadValidator = (): Promise<Validate> =>
  (loading ??= new Promise<Validate>((resolve, reject) => {
    const src = new URL(VALIDATOR_FILE, loader?.src || document.baseURI).href;
    const script = document.createElement('script');
    try {
      script.src = scriptUrl(window, src, (url) => url === src);
    } catch {
      throw new Error(`the page's Trusted Types refused ${src} (list client-canary in its trusted-types directive)`);
    }
    script.integrity = VALIDATOR_INTEGRITY;
    // Integrity is checked in CORS mode only: a loader on a CDN needs CORS there too.
    script.crossOrigin = 'anonymous';
    if (loader?.nonce) script.nonce = loader.nonce;
    script.onload = () => {
      const parse = window.ClientCanary?.parseConfig;
      if (parse) resolve(parse);
      else reject(new Error(`${VALIDATOR_FILE} ran but gave no validator`));
    };
    script.onerror = () => reject(new Error(`${src} could not load`));
    document.head.appendChild(script);
  }).catch((error: unknown) => {
    // Asked again by the next refresh: a network blip must not cost the page its validator for good.
    loading = undefined;
    throw error;
  }));
