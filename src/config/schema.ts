import * as z from 'zod/mini';
import { DURATION_PATTERN } from '../decide/duration';
import * as rules from './rules';

// No z.config({ jitless: true }) here: it is global and would change the host page's own zod.
// zod/mini compiles no parser, so it never probes `new Function` under a strict CSP.
// The rules themselves (patterns, tests, messages) live in rules.ts, shared with the browser's
// compact checker (check.ts); test/config/check.test.ts holds the two to the same verdicts.

export { NOT_RESERVED, RESERVED_NAMES } from './rules';

/** What a rule means in JSON Schema terms, for the shipped schema file (see `toJsonSchema`). */
type JsonFragment = Record<string, unknown>;

/**
 * One constraint, with our own message and its JSON Schema form. zod/mini's `regex`, `gte`,
 * `enum` and `literal` each bring their own code into the script-tag bundle; this brings none.
 */
const rule = <T>([test, expected]: rules.Rule<T>, json?: JsonFragment) =>
  Object.assign(
    z.check<T>((payload) => {
      if (!test(payload.value)) payload.issues.push({ code: 'custom', message: expected, input: payload.value });
    }),
    { json },
  );

const pattern = (re: RegExp, expected: string) => z.string().check(rule<string>([(s) => re.test(s), expected], { pattern: re.source }));

/** A string that is one of `values`, typed as their union. */
const oneOf = <T extends string>(values: readonly T[]) => z.string().check(rule<string>(rules.oneOf(values), { enum: values })) as unknown as z.ZodMiniType<T>;

const name = () => pattern(rules.NAME_PATTERN, rules.NAME[1]).check(rule(rules.NOT_RESERVED_NAME, { not: { enum: rules.RESERVED_NAMES } }));

const text = (max: number) => z.string().check(rule(rules.maxLength(max), { maxLength: max }));

// No multipleOf 0.01 in the JSON Schema: validators compute it in floating point and would refuse
// 0.29; the two-decimal rule is zod's (editors still see the range).
const percentage = z.number().check(rule(rules.PERCENTAGE, { minimum: 0, maximum: 100 }));

const duration = pattern(DURATION_PATTERN, rules.DURATION_EXPECTED);

const url = pattern(rules.URL_PATTERN, rules.URL_EXPECTED);

const asset = z.union([
  url,
  z.strictObject({
    url,
    type: z.optional(oneOf(rules.ASSET_TYPES)),
    integrity: z.optional(pattern(rules.SRI_PATTERN, rules.SRI_EXPECTED)),
    crossorigin: z.optional(oneOf(rules.CROSSORIGINS)),
  }),
]);

const flagValue = z.union([z.boolean(), z.number(), text(4096)]);

const variant = z.strictObject({
  assets: z.optional(z.array(asset)),
  flags: z.optional(z.record(name(), flagValue)),
});

const ramp = z.strictObject({
  start: pattern(rules.ISO_PATTERN, rules.ISO_EXPECTED).check(rule(rules.DAY_EXISTS)),
  steps: z.array(z.strictObject({ after: duration, percentage })).check(rule(rules.STEPS_NOT_EMPTY, { minItems: 1 }), rule(rules.STEPS_IN_ORDER)),
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
  version: z.number().check(rule(rules.VERSION, { const: 1 })) as unknown as z.ZodMiniType<1>,
  revision: z.optional(text(256)),
  features: z.record(name(), feature).check(
    z.check<Record<string, z.output<typeof feature>>>((payload) => {
      for (const [path, message] of rules.repeatedFlags(payload.value)) payload.issues.push({ code: 'custom', input: path[3], path, message });
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
