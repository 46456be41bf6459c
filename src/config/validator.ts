import type { ParseResult } from './parse';

/** Validates a parsed config file, as `parseConfig` does. */
export type Validate = (json: unknown) => ParseResult;

/**
 * The client's validator, apart from the decision path: the compact checker (check.ts, the rules
 * of the zod schema without zod), which a bundler puts in a chunk of its own, loaded when a config
 * arrives from the network or after a warm start's assets.
 */
export const loadValidator = (): Promise<Validate> => import('./check').then((module) => module.checkConfig);
