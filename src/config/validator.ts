import type { ParseResult } from './parse';

/** `parseConfig`: validates a parsed config file. */
export type Validate = (json: unknown) => ParseResult;

/**
 * The validator (zod and the schema), apart from the decision path: a bundler puts it in a chunk
 * of its own, loaded when a config arrives from the network. The script-tag loader swaps this
 * module for `validator-script.ts` (rollup.config.mjs).
 */
export const loadValidator = (): Promise<Validate> => import('./parse').then((module) => module.parseConfig);
