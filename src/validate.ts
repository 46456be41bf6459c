/**
 * The validator chunk, `client-canary.validate.js`: zod and the config schema, apart from the
 * loader. Built as an IIFE that extends `window.ClientCanary` with `parseConfig` and
 * `configSchema`, where the loader (src/config/validator-script.ts) finds them.
 */
export { parseConfig } from './config/parse';
export { configSchema } from './config/schema';
