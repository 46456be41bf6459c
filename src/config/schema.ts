import * as z from 'zod/mini';

// zod otherwise probes `new Function` once, which a strict CSP reports as a violation.
z.config({ jitless: true });

/** Names of features, flags and match attributes. Starting with a letter or digit also keeps `__proto__` out. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** `<number><unit>`, unit one of ms, s, m, h, d. */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

// An absolute http(s) URL, or a relative one (resolved against the config URL). Any other scheme,
// and any whitespace or control character (which URL parsers strip: "java\nscript:"), is refused.
const URL_PATTERN = /^(?:https?:|(?![A-Za-z][A-Za-z\d+.-]*:))[^\s\0-\x1f\x7f]+$/i;

const ISO_PATTERN = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)$/;

/** A check with our own message; zod/mini's `refine` costs ten times the bytes of `check`. */
const rule = <T>(test: (value: T) => boolean, expected: string) =>
  z.check<T>((payload) => {
    if (!test(payload.value)) payload.issues.push({ code: 'custom', message: expected, input: payload.value });
  });

const name = () =>
  z.string().check(z.regex(NAME_PATTERN, 'a name of 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit'));

// Length caps as patterns: `regex` is already in the bundle, `maxLength` would add to it.
const text = (max: number) => z.string().check(z.regex(new RegExp(`^[^]{0,${max}}$`), `a text of at most ${max} characters`));

const percentage = z.number().check(
  z.gte(0),
  z.lte(100),
  rule<number>((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-6, 'a percentage with at most 2 decimals (0.01 % steps)'),
);

const duration = z.string().check(z.regex(DURATION_PATTERN, 'a duration such as "500ms", "30s", "10m", "2h" or "1d"'));

const url = z.string().check(z.regex(URL_PATTERN, 'an http(s) URL or a URL relative to the config file'));

const asset = z.union([
  url,
  z.strictObject({
    url,
    type: z.optional(z.enum(['script', 'module', 'style'])),
    integrity: z.optional(text(512)),
    crossorigin: z.optional(z.enum(['anonymous', 'use-credentials'])),
  }),
]);

const flagValue = z.union([z.boolean(), z.number(), text(4096)]);

const variant = z.strictObject({
  assets: z.optional(z.array(asset)),
  flags: z.optional(z.record(name(), flagValue)),
});

const ramp = z.strictObject({
  start: z.string().check(
    rule<string>((start) => ISO_PATTERN.test(start) && !Number.isNaN(Date.parse(start)), 'an ISO 8601 date-time with a zone, such as "2026-11-26T10:00:00Z"'),
  ),
  steps: z
    .array(z.strictObject({ after: duration, percentage }))
    .check(
      rule<{ after: string }[]>((steps) => steps.length > 0, 'at least one step'),
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
  match: z.optional(z.record(name(), z.array(z.union([text(256), z.number(), z.boolean()])))),
  ramp: z.optional(ramp),
  stable: z.optional(variant),
  canary: z.optional(variant),
});

/**
 * The zod schema of `canary-config.json` version 1: the single source of truth for the
 * TypeScript types, the shipped JSON Schema and validation in the browser and the CLI.
 */
export const configSchema = z.strictObject({
  $schema: z.optional(text(2048)),
  version: z.literal(1),
  revision: z.optional(text(256)),
  features: z.record(name(), feature).check(
    z.check((payload) => {
      const features = payload.value;
      const owner: Record<string, string> = Object.create(null);
      for (const f in features) {
        for (const v of ['stable', 'canary'] as const) {
          for (const flag in features[f]![v]?.flags) {
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

const UNIT_MS: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 };

/** Milliseconds of a duration such as `"30m"`; NaN when it is not one. */
export function durationMs(duration: string): number {
  const m = DURATION_PATTERN.exec(duration);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : NaN;
}
