/**
 * The loader's second chunk, `client-canary.validate.js`: the rest of the client (events,
 * refresh, the API) and the config's validator. Built as an IIFE that extends
 * `window.ClientCanary`, where the loader (src/loader/rest-script.ts) finds `attachClient`; its
 * `createCanary` starts pages with the loader's `startPage`.
 */
import { createCanaryWith } from './create-canary';
import type { startPage } from './loader/page';

export { attachClient } from './client';
/** A client of one's own, started by the loader's page module. */
export const createCanary = createCanaryWith((options) => (window.ClientCanary as unknown as { startPage: typeof startPage }).startPage(options));
export { checkConfig as parseConfig } from './config/check';
export { CanaryError } from './errors';
