/**
 * The all-in-one script-tag build, `client-canary.full.min.js`: the loader and the validator in
 * one file (its validator import is inlined), for pages that prefer one request to a warm start
 * without the validator.
 */
export * from './browser';
export { parseConfig } from './config/parse';
export { configSchema } from './config/schema';
