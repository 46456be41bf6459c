import * as z from 'zod/mini';
import { DURATION_PATTERN, durationMs } from '../decide/duration';
import { WITH_JSON_SCHEMA } from './build-flags';

// No z.config({ jitless: true }) here: it is global and would change the host page's own zod.
// zod/mini compiles no parser, so it never probes `new Function` under a strict CSP (the strict-CSP
// Chromium test, test/browser/assets.test.ts, is the proof).

/** Names of features, flags and match attributes. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Names that JavaScript objects already use: a flag named `constructor` reads as `Object` in code
 * that looks it up without an own-key check. zod drops a `__proto__` key from a record without a
 * word, so parseConfig refuses that one on the raw input (parse.ts).
 */
export const RESERVED_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** What a reserved name is told to be instead. */
export const NOT_RESERVED = `a name other than ${RESERVED_NAMES.map((n) => JSON.stringify(n)).join(', ')}`;


// An absolute http(s) URL, or a relative one (resolved against the config URL), of at most 2048
// characters. Any other scheme, and any whitespace or control character (which URL parsers strip:
// "java\nscript:"), is refused.
const URL_PATTERN = /^(?=[^]{1,2048}$)(?:[Hh][Tt][Tt][Pp][Ss]?:|(?![A-Za-z][A-Za-z\d+.-]*:))[^\s\0-\x1f\x7f]+$/;

// One or more "sha256|384|512-<base64>" with an optional "?options", at most 512 characters. A
// browser ignores metadata it cannot parse (a placeholder like "sha384-…") and runs the script
// unchecked: refused here, so that an integrity written is an integrity checked.
const SRI_PATTERN = /^(?=[^]{1,512}$)sha(?:256|384|512)-[A-Za-z0-9+/]+={0,2}(?:\?\S*)?(?: +sha(?:256|384|512)-[A-Za-z0-9+/]+={0,2}(?:\?\S*)?)*$/;

const ISO_PATTERN = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)$/;

/** What a rule means in JSON Schema terms, for the shipped schema file (see `toJsonSchema`). */
type JsonFragment = Record<string, unknown>;

/**
 * One constraint, with our own message and its JSON Schema form. zod/mini's `regex`, `gte`,
 * `enum` and `literal` each bring their own code into the script-tag bundle; this brings none.
 */
const rule = <T>(test: (value: T) => boolean, expected: string, json?: JsonFragment) =>
  Object.assign(
    z.check<T>((payload) => {
      if (!test(payload.value)) payload.issues.push({ code: 'custom', message: expected, input: payload.value });
    }),
    WITH_JSON_SCHEMA && { json },
  );

const pattern = (re: RegExp, expected: string) => z.string().check(rule<string>((s) => re.test(s), expected, { pattern: re.source }));

/** A string that is one of `values`, typed as their union. */
const oneOf = <T extends string>(...values: T[]) =>
  z.string().check(rule<string>((s) => values.includes(s as T), values.map((v) => JSON.stringify(v)).join(' or '), { enum: values })) as unknown as z.ZodMiniType<T>;

const name = () =>
  pattern(NAME_PATTERN, 'a name of 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit').check(
    rule<string>((s) => !RESERVED_NAMES.includes(s), NOT_RESERVED, { not: { enum: RESERVED_NAMES } }),
  );

const text = (max: number) => z.string().check(rule<string>((s) => s.length <= max, `a text of at most ${max} characters`, { maxLength: max }));

const percentage = z.number().check(
  // Exact: p is the number that JSON.parse makes of some "n.nn". A tolerance would let
  // 5.000000001 through. No multipleOf 0.01 in the JSON Schema: validators compute it in floating
  // point and would refuse 0.29; the two-decimal rule is zod's (editors still see the range).
  rule<number>((p) => p >= 0 && p <= 100 && Math.round(p * 100) / 100 === p, 'a percentage from 0 to 100 with at most 2 decimals', {
    minimum: 0,
    maximum: 100,
  }),
);

const duration = pattern(DURATION_PATTERN, 'a duration such as "500ms", "30s", "10m", "2h" or "1d"');

const url = pattern(URL_PATTERN, 'an http(s) URL, or one relative to the config file, of at most 2048 characters');

const asset = z.union([
  url,
  z.strictObject({
    url,
    type: z.optional(oneOf('script', 'module', 'style')),
    integrity: z.optional(pattern(SRI_PATTERN, 'Subresource Integrity metadata such as "sha384-" and the base64 of the file\'s SHA-384 (client-canary ship --manifest writes it)')),
    crossorigin: z.optional(oneOf('anonymous', 'use-credentials')),
  }),
]);

const flagValue = z.union([z.boolean(), z.number(), text(4096)]);

const variant = z.strictObject({
  assets: z.optional(z.array(asset)),
  flags: z.optional(z.record(name(), flagValue)),
});

const ramp = z.strictObject({
  start: pattern(ISO_PATTERN, 'an ISO 8601 date-time with a zone, such as "2026-11-26T10:00:00Z"').check(
    // Some engines roll 2026-02-30 over into March, others refuse it: only a day that exists passes.
    rule<string>((start) => !Number.isNaN(Date.parse(start)) && new Date(Date.parse(start.slice(0, 10))).toISOString().startsWith(start.slice(0, 10)), 'a date-time that exists'),
  ),
  steps: z
    .array(z.strictObject({ after: duration, percentage }))
    .check(
      rule<unknown[]>((steps) => steps.length > 0, 'at least one step', { minItems: 1 }),
      rule<{ after: string }[]>(
        (steps) => steps.every((step, i) => i === 0 || durationMs(step.after) > durationMs(steps[i - 1]!.after)),
        'steps in order: each "after" later than the one before',
      ),
    ),
});

const feature = z.strictObject({
  /** 0..100, at most 2 decimals; default 0. */
  percentage: z.optional(percentage),
  /** false is the kill switch; default true. */
  enabled: z.optional(z.boolean()),
  salt: z.optional(text(256)),
  allow: z.optional(z.array(text(256))),
  deny: z.optional(z.array(text(256))),
  match: z.optional(z.record(name(), z.array(flagValue))),
  ramp: z.optional(ramp),
  stable: z.optional(variant),
  canary: z.optional(variant),
});

/**
 * The zod schema of `canary-config.json` version 1: the single source of truth for the
 * TypeScript types, the shipped JSON Schema and validation in the browser and the CLI.
 * Validate with parseConfig: it also refuses a name `__proto__`, which zod drops from a record.
 */
export const configSchema = z.strictObject({
  $schema: z.optional(text(2048)),
  version: z.number().check(rule<number>((v) => v === 1, '1', { const: 1 })) as unknown as z.ZodMiniType<1>,
  revision: z.optional(text(256)),
  features: z.record(name(), feature).check(
    z.check<Record<string, z.output<typeof feature>>>((payload) => {
      const features = payload.value;
      const owner: Record<string, string> = Object.create(null);
      // Own keys only: for…in would also walk keys that the page put on Object.prototype.
      for (const f of Object.keys(features)) {
        for (const v of ['stable', 'canary'] as const) {
          for (const flag of Object.keys(features[f]![v]?.flags ?? {})) {
            const first = owner[flag];
            if (first !== undefined && first !== f) {
              payload.issues.push({
                code: 'custom',
                input: flag,
                path: [f, v, 'flags', flag],
                message: `a flag declared by one feature only: "${flag}" is already declared by feature "${first}"`,
              });
            }
            owner[flag] = f;
          }
        }
      }
    }),
  ),
});

/** A validated `canary-config.json`. */
export type CanaryConfig = z.output<typeof configSchema>;
export type FeatureConfig = CanaryConfig['features'][string];
export type VariantConfig = NonNullable<FeatureConfig['stable']>;
/** An asset: a URL, or `{ url, type?, integrity?, crossorigin? }`. */
export type Asset = z.output<typeof asset>;
export type FlagValue = z.output<typeof flagValue>;
export type Ramp = z.output<typeof ramp>;


/**
 * The JSON Schema (draft 2020-12) of the config, for editors (`$schema`) and the shipped
 * `canary-config.schema.json`: zod's own output plus the JSON form of each of our rules.
 */
export function toJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    override: ({ zodSchema, jsonSchema }) => {
      for (const check of (zodSchema._zod.def as { checks?: { json?: JsonFragment }[] }).checks ?? []) Object.assign(jsonSchema, check.json);
    },
  });
  return { ...schema, $id: 'https://unpkg.com/client-canary/dist/canary-config.schema.json', title: 'client-canary config (canary-config.json), version 1' };
}
