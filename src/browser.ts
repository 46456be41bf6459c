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
// For the second chunk: one page module and one Trusted Types policy on the page.
export { startPage } from './loader/page';
export { scriptUrl } from './assets/trusted-types';

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

const REST_FILE_NAME = 'client-canary.validate.js';

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
// copy owns the page. (The bundle extends window.ClientCanary before this runs: the first copy
// finds it without startPage.)
if ((window.ClientCanary as { startPage?: unknown } | undefined)?.startPage) console.error('client-canary: the script tag runs twice on this page; the second copy does nothing');
else {
  const options = tagOptions(currentScript(document));
  const page = startPage(options);
  // Once the client is published (the real one, or the stable one when its chunk failed or was
  // late), nothing replaces it: queued callbacks ran with it.
  let published = false;
  const attach = (rest: Attach) => {
    const client = rest(page, options);
    if (!published) publish(client);
    published = true;
  };
  const fail = (error: unknown) => {
    if (published) return;
    published = true;
    console.error(`client-canary: the client could not load: ${(error as Error)?.message}; the page runs stable`);
    // With no client to hear them, what the page met is said on the console. A chunk that comes
    // later attaches all the same, for the next page: it caches the config (SPEC 12).
    page.attach({ exposure() {}, error: (_, message) => console.warn(`client-canary: ${message}`) });
    page.request?.abort();
    page.request = undefined;
    page.settle();
    publish(stableClient(page));
  };
  try {
    const rest = loadRest();
    if (typeof rest === 'function') attach(rest);
    else {
      rest.then(attach, fail);
      // The page waits for its client no longer than for the config: then the fallback runs (a
      // cold start) or the assets already in stay (a warm one), and a client that answers as they do.
      const timeout = options.timeoutMs ?? 1500;
      setTimeout(() => fail(new Error(`${REST_FILE_NAME} did not run within ${timeout} ms`)), Math.min(timeout, 2 ** 31 - 1));
    }
  } catch (error) {
    fail(error);
  }
}
