/**
 * The all-in-one script-tag build, `client-canary.full.min.js`: the loader and its second chunk in
 * one file (src/loader/rest.ts attaches the client at once), for pages that prefer one request.
 */
export * from './browser';
export { attachClient, CanaryError, parseConfig } from './validate';
export { createCanary } from './create-canary';
