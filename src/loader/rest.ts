import { attachClient } from '../client';

/** Attaches the rest of the client (events, refresh, validator, the API) to a started page. */
export type Attach = typeof attachClient;

/**
 * The rest of the client, for the all-in-one build: bundled with the loader, attached at once.
 * The loader's build swaps this module for rest-script.ts, which loads it from
 * `client-canary.validate.js` (rollup.config.mjs).
 */
export const loadRest = (): Attach | Promise<Attach> => attachClient;
