/**
 * The script-tag loader, `client-canary.min.js` (SPEC 12): starts the page from the tag's own
 * data-* attributes (the warm start decides and inserts the assets here, with no validator), then
 * attaches the rest of the client from `client-canary.validate.js`, sets `window.clientCanary`
 * and runs the callbacks queued on `window.clientCanaryQueue`.
 */
import { currentScript } from './assets/current-script';
import type { CanaryClient } from './client';
import { startPage } from './loader/page';
import { loadRest, type Attach } from './loader/rest';
import { stableClient } from './loader/stable-client';
import { tagOptions } from './loader/tag';

// window.ClientCanary: the decision functions at once; attachClient, parseConfig and CanaryError
// once client-canary.validate.js has run (the all-in-one build has them all, and createCanary).
export { bucketOf } from './decide/bucket';
export { decide } from './decide/decide';
export { effectivePercentage } from './decide/ramp';
// For the second chunk's createCanary: one page module on the page.
export { startPage } from './loader/page';

type Queued = (client: CanaryClient) => void;
type Api = typeof import('./index');

declare global {
  interface Window {
    /** bucketOf, decide and effectivePercentage; the rest of the npm API (less the zod schema) once the client has loaded. */
    ClientCanary?: Pick<Api, 'bucketOf' | 'decide' | 'effectivePercentage'> & Partial<Pick<Api, 'createCanary' | 'parseConfig' | 'CanaryError'>>;
    clientCanary?: CanaryClient;
    clientCanaryQueue?: Queued[] | { push(...callbacks: Queued[]): void };
  }
}

const publish = (client: CanaryClient) => {
  const run = (callback: Queued) => {
    try {
      callback(client);
    } catch (error) {
      console.error('client-canary: a clientCanaryQueue callback threw', error);
    }
  };
  try {
    const queued = window.clientCanaryQueue;
    window.clientCanary = client;
    window.clientCanaryQueue = { push: (...callbacks) => callbacks.forEach(run) };
    if (Array.isArray(queued)) queued.forEach(run);
  } catch (error) {
    // A page that made these names read-only keeps its own; the client runs all the same.
    console.error('client-canary: window.clientCanary or clientCanaryQueue could not be set', error);
  }
};

// A second copy of the tag (a template included twice) must not run the app twice: the first
// copy owns the page.
if (window.ClientCanary) console.error('client-canary: the script tag runs twice on this page; the second copy does nothing');
else {
  const options = tagOptions(currentScript(document));
  const page = startPage(options);
  let attached = false;
  const attach = (rest: Attach) => {
    attached = true;
    publish(rest(page, options));
  };
  const fail = (error: unknown) => {
    console.error(`client-canary: the client could not load: ${(error as Error)?.message}; the page runs stable`);
    attached = true;
    // With no client to hear them, what the page met is said on the console.
    page.attach({ exposure() {}, error: (_, message) => console.warn(`client-canary: ${message}`) });
    page.settle();
    publish(stableClient(page));
  };
  try {
    const rest = loadRest();
    if (typeof rest === 'function') attach(rest);
    else {
      rest.then(attach, fail);
      // A cold start waits for the validator no longer than for the config: then the fallback runs.
      setTimeout(() => attached || page.settled() || fail(new Error(`no validator within ${options.timeoutMs ?? 1500} ms`)), Math.min(options.timeoutMs ?? 1500, 2 ** 31 - 1));
    }
  } catch (error) {
    fail(error);
  }
}
