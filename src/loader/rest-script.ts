import { currentScript } from '../assets/current-script';
import { insertSibling } from '../assets/sibling-script';
import { scriptUrl } from '../assets/trusted-types';
import type { Attach } from './rest';
// Written by the build: the sha384 of dist/client-canary.validate.js (see rollup.config.mjs).
import { REST_INTEGRITY } from 'client-canary:rest-integrity';

/** The file beside the loader that holds the rest of the client and the validator. */
export const REST_FILE = 'client-canary.validate.js';

// Read while the loader runs: later, document.currentScript is someone else's.
const loader = currentScript(document);

/**
 * The loader's second chunk: `client-canary.validate.js` from beside the loader's own URL, through
 * the Trusted Types policy (which admits that one URL). It adds `attachClient` to
 * `window.ClientCanary`.
 */
export const loadRest = (): Promise<Attach> =>
  insertSibling(REST_FILE, REST_INTEGRITY, loader, (src) => scriptUrl(window, src, (url) => url === src)).then(() => {
    const attach = (window.ClientCanary as { attachClient?: Attach } | undefined)?.attachClient;
    if (!attach) throw new Error(`${REST_FILE} ran but gave no client`);
    return attach;
  });
