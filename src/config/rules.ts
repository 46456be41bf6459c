/**
 * The rules of `canary-config.json` version 1 that both validators share: the zod schema
 * (schema.ts: types, JSON Schema, the CLI, `parseConfig`) and the compact checker of the browser
 * (check.ts). One pattern and one message per rule, written once here.
 */
import { durationMs } from '../decide/duration';
import { NAME_PATTERN } from './names';

/** A rule: a test and what is expected instead (the message reads `expected <expected>`). */
export type Rule<T> = [test: (value: T) => boolean, expected: string];

/**
 * Names that JavaScript objects already use: a flag named `constructor` reads as `Object` in code
 * that looks it up without an own-key check.
 */
export const RESERVED_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** What a reserved name is told to be instead. */
export const NOT_RESERVED = `a name other than ${RESERVED_NAMES.map((n) => JSON.stringify(n)).join(', ')}`;

export { NAME_PATTERN } from './names';
export const NAME: Rule<string> = [(s) => NAME_PATTERN.test(s), 'a name of 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit'];
export const NOT_RESERVED_NAME: Rule<string> = [(s) => !RESERVED_NAMES.includes(s), NOT_RESERVED];

/**
 * An absolute http(s) URL, or a relative one (resolved against the config URL), of at most 2048
 * characters. Any other scheme, and any whitespace or control character (which URL parsers strip:
 * "java\nscript:"), is refused.
 */
export const URL_PATTERN = /^(?=[^]{1,2048}$)(?:[Hh][Tt][Tt][Pp][Ss]?:|(?![A-Za-z][A-Za-z\d+.-]*:))[^\s\0-\x1f\x7f]+$/;
export const URL_EXPECTED = 'an http(s) URL, or one relative to the config file, of at most 2048 characters';

/**
 * One or more "sha256|384|512-<base64>" with an optional "?options", at most 512 characters. A
 * browser ignores metadata it cannot parse (a placeholder like "sha384-…") and runs the script
 * unchecked: refused, so that an integrity written is an integrity checked.
 */
export const SRI_PATTERN = /^(?=[^]{1,512}$)sha(?:256|384|512)-[A-Za-z0-9+/]+={0,2}(?:\?\S*)?(?: +sha(?:256|384|512)-[A-Za-z0-9+/]+={0,2}(?:\?\S*)?)*$/;
export const SRI_EXPECTED = 'Subresource Integrity metadata such as "sha384-" and the base64 of the file\'s SHA-384 (client-canary ship --manifest writes it)';

export const ISO_PATTERN = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)$/;
export const ISO_EXPECTED = 'an ISO 8601 date-time with a zone, such as "2026-11-26T10:00:00Z"';
/** Some engines roll 2026-02-30 over into March, others refuse it: only a day that exists passes. */
export const DAY_EXISTS: Rule<string> = [
  (start) => !Number.isNaN(Date.parse(start)) && new Date(Date.parse(start.slice(0, 10))).toISOString().startsWith(start.slice(0, 10)),
  'a date-time that exists',
];

export const DURATION_EXPECTED = 'a duration such as "500ms", "30s", "10m", "2h" or "1d"';

/**
 * Exact: p is the number that JSON.parse makes of some "n.nn". A tolerance would let
 * 5.000000001 through.
 */
export const PERCENTAGE: Rule<number> = [(p) => p >= 0 && p <= 100 && Math.round(p * 100) / 100 === p, 'a percentage from 0 to 100 with at most 2 decimals'];

export const VERSION: Rule<number> = [(v) => v === 1, '1'];

export const STEPS_NOT_EMPTY: Rule<unknown[]> = [(steps) => steps.length > 0, 'at least one step'];
export const STEPS_IN_ORDER: Rule<{ after: string }[]> = [
  (steps) => steps.every((step, i) => i === 0 || durationMs(step.after) > durationMs(steps[i - 1]!.after)),
  'steps in order: each "after" later than the one before',
];

/** A text of at most `max` characters. */
export const maxLength = (max: number): Rule<string> => [(s) => s.length <= max, `a text of at most ${max} characters`];

/** A string that is one of `values`. */
export const oneOf = (values: readonly string[]): Rule<string> => [(s) => values.includes(s), values.map((v) => JSON.stringify(v)).join(' or ')];

/** The values an asset's `type` and `crossorigin` may take. */
export const ASSET_TYPES = ['script', 'module', 'style'] as const;
export const CROSSORIGINS = ['anonymous', 'use-credentials'] as const;

/** Where a flag is declared twice: `[feature, variant, "flags", flag]` and the message, per repeat. */
export function repeatedFlags(features: Record<string, { stable?: { flags?: object }; canary?: { flags?: object } }>): [path: string[], expected: string][] {
  const owner: Record<string, string> = Object.create(null);
  const repeats: [string[], string][] = [];
  // Own keys only: for…in would also walk keys that the page put on Object.prototype. A name
  // `__proto__` is refused on its own and walked by neither validator.
  for (const f of Object.keys(features)) {
    for (const v of ['stable', 'canary'] as const) {
      for (const flag of f === '__proto__' ? [] : Object.keys(features[f]?.[v]?.flags ?? {})) {
        if (flag === '__proto__') continue;
        const first = owner[flag];
        if (first !== undefined && first !== f) repeats.push([[f, v, 'flags', flag], `a flag declared by one feature only: "${flag}" is already declared by feature "${first}"`]);
        owner[flag] = f;
      }
    }
  }
  return repeats;
}
