/**
 * The browser's config validator: the rules of schema.ts (shared through rules.ts) walked by hand,
 * about a sixth of the bytes of zod/mini, which costs over 6 KB gzip whatever the schema. It gives
 * what `parseConfig` gives, errors and their order included: test/config/check.test.ts holds the
 * two to it on every config of its corpus and on generated ones.
 */
import { DURATION_PATTERN } from '../decide/duration';
import type { ConfigError, ParseResult } from './parse';
import * as rules from './rules';
import type { CanaryConfig } from './schema';

type Path = (string | number)[];
/** An error; whether later checks of the same value still run (zod's `continue`); the kind a wrong type lacked. */
type Issue = ConfigError & { go?: boolean; kind?: string };
type Check = (value: unknown, path: Path, out: Issue[]) => void;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** zod's test for a record: an object whose constructor, if any, is Object's kind (not a Map, a Date, a class). */
const isPlain = (value: unknown): value is Record<string, unknown> => {
  if (!isObject(value)) return false;
  const ctor = (value as { constructor?: unknown }).constructor;
  if (typeof ctor !== 'function') return true;
  const proto: unknown = ctor.prototype;
  return isObject(proto) && Object.prototype.hasOwnProperty.call(proto, 'isPrototypeOf');
};
const typeOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** `features.app.stable.assets[0]`, as parse.ts writes paths. */
const pathText = (path: Path) => path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out ? `${out}.` : ''}${key}`), '') || '(top level)';
const push = (out: Issue[], path: Path, message: string, go?: boolean) => void out.push({ path: pathText(path), message, go });
const wrongType = (out: Issue[], path: Path, kind: string, value: unknown) =>
  void out.push({ path: pathText(path), message: value === undefined ? `is required: expected ${kind}` : `expected ${kind}, got ${typeOf(value)}`, kind });
/** True when an issue since `from` stops the checks of the value it is in. */
const stopped = (out: Issue[], from: number) => out.slice(from).some((issue) => !issue.go);

/** A value of one kind, then its rules in order: the first that fails is reported, the rest skipped. */
const kind =
  <T>(name: string, is: (value: unknown) => boolean, ...list: rules.Rule<T>[]): Check =>
  (value, path, out) => {
    if (!is(value)) return wrongType(out, path, name, value);
    const failed = list.find(([test]) => !test(value as T));
    if (failed) push(out, path, `expected ${failed[1]}`);
  };
const string = (...list: rules.Rule<string>[]) => kind('string', (v) => typeof v === 'string', ...list);
const number = (...list: rules.Rule<number>[]) => kind('number', Number.isFinite, ...list);
const boolean = kind('boolean', (v) => typeof v === 'boolean');
const pattern = (re: RegExp, expected: string) => string([(s) => re.test(s), expected]);
const text = (max: number) => string(rules.maxLength(max));

const optional =
  (check: Check): Check =>
  (value, path, out) =>
    value === undefined || check(value, path, out);

/** An object with exactly these keys (zod's strictObject): keys in order, then unknown ones. */
const object =
  (shape: Record<string, Check>): Check =>
  (value, path, out) => {
    if (!isObject(value)) return wrongType(out, path, 'object', value);
    for (const key of Object.keys(shape)) shape[key]!(hasOwn(value, key) ? value[key] : undefined, [...path, key], out);
    const unknown = Object.keys(value).filter((key) => !hasOwn(shape, key));
    if (unknown.length) push(out, path, `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} (check the spelling)`, true);
  };

/** Named values; a bad name is reported and its value not checked. `__proto__` is left to protoKeys. */
const record =
  (item: Check, whole?: (value: Record<string, unknown>, path: Path, out: Issue[]) => void): Check =>
  (value, path, out) => {
    if (!isPlain(value)) return wrongType(out, path, 'record', value);
    const from = out.length;
    for (const key of Object.keys(value)) {
      if (key === '__proto__') continue;
      const bad = [rules.NAME, rules.NOT_RESERVED_NAME].find(([test]) => !test(key));
      if (bad) push(out, [...path, key], `invalid name: expected ${bad[1]}`);
      else item(value[key], [...path, key], out);
    }
    if (whole && !stopped(out, from)) whole(value, path, out);
  };

const array =
  <T>(item: Check, ...list: rules.Rule<T[]>[]): Check =>
  (value, path, out) => {
    if (!Array.isArray(value)) return wrongType(out, path, 'array', value);
    const from = out.length;
    value.forEach((entry, i) => item(entry, [...path, i], out));
    const failed = stopped(out, from) ? undefined : list.find(([test]) => !test(value as T[]));
    if (failed) push(out, path, `expected ${failed[1]}`);
  };

/**
 * One of `options`: the first error of the option whose kind the value has (parse.ts's choice),
 * or `expected <kinds>` when it has none of them.
 */
const union =
  (...options: Check[]): Check =>
  (value, path, out) => {
    const tries = options.map((option) => {
      const issues: Issue[] = [];
      option(value, path, issues);
      return issues;
    });
    if (tries.some((issues) => !issues.length)) return;
    const here = pathText(path);
    const aimed = tries.find(([first]) => !(first!.kind && first!.path === here));
    if (aimed) out.push({ ...aimed[0]!, go: false, kind: undefined });
    else push(out, path, `expected ${tries.map(([first]) => first!.kind).join(' or ')}, got ${typeOf(value)}`);
  };

const url = pattern(rules.URL_PATTERN, rules.URL_EXPECTED);
const asset = union(
  url,
  object({
    url,
    type: optional(string(rules.oneOf(rules.ASSET_TYPES))),
    integrity: optional(pattern(rules.SRI_PATTERN, rules.SRI_EXPECTED)),
    crossorigin: optional(string(rules.oneOf(rules.CROSSORIGINS))),
  }),
);
const flagValue = union(boolean, number(), text(4096));
const variant = optional(object({ assets: optional(array(asset)), flags: optional(record(flagValue)) }));
const percentage = number(rules.PERCENTAGE);
const names = optional(array(text(256)));

const config = object({
  $schema: optional(text(2048)),
  version: number(rules.VERSION),
  revision: optional(text(256)),
  features: record(
    object({
      percentage: optional(percentage),
      enabled: optional(boolean),
      salt: optional(text(256)),
      allow: names,
      deny: names,
      match: optional(record(array(flagValue))),
      ramp: optional(
        object({
          start: string([rules.ISO_PATTERN.test.bind(rules.ISO_PATTERN), rules.ISO_EXPECTED], rules.DAY_EXISTS),
          steps: array(object({ after: pattern(DURATION_PATTERN, rules.DURATION_EXPECTED), percentage }), rules.STEPS_NOT_EMPTY, rules.STEPS_IN_ORDER as rules.Rule<unknown[]>),
        }),
      ),
      stable: variant,
      canary: variant,
    }),
    (features, path, out) => {
      for (const [at, expected] of rules.repeatedFlags(features as Parameters<typeof rules.repeatedFlags>[0])) push(out, [...path, ...at], `expected ${expected}`);
    },
  ),
});

/**
 * Validates a parsed `canary-config.json` as `parseConfig` does (same errors, same order), with no
 * zod: the validator of the browser builds. Never throws.
 */
export function checkConfig(json: unknown): ParseResult {
  try {
    const out: Issue[] = protoKeys(json);
    config(json, [], out);
    return out.length ? { ok: false, errors: out.map(({ path, message }) => ({ path, message })) } : { ok: true, config: json as CanaryConfig };
  } catch (error) {
    // Hostile input can still exhaust the stack; it is an invalid config, not a crash.
    return { ok: false, errors: [{ path: '', message: `could not be validated: ${String(error)}` }] };
  }
}

export const hasOwn = (value: unknown, key: PropertyKey): boolean => typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, key);

// Where names are keys, relative to a feature; `features` itself is the third kind of place.
const NAMED_KEYS_IN_FEATURE = [['match'], ['stable', 'flags'], ['canary', 'flags']];

/**
 * A `__proto__` name, refused: JSON.parse makes that key an own property, and zod skips it in a
 * record without an issue, so the name would vanish from the config without a word.
 */
export function protoKeys(json: unknown): Issue[] {
  const at = (path: Path) => path.reduce<unknown>((value, key) => (hasOwn(value, key) ? (value as Record<PropertyKey, unknown>)[key] : undefined), json);
  const features = at(['features']);
  const places: Path[] = [['features']];
  if (isObject(features)) for (const name of Object.keys(features)) for (const keys of NAMED_KEYS_IN_FEATURE) places.push(['features', name, ...keys]);
  return places.filter((place) => hasOwn(at(place), '__proto__')).map((place) => ({ path: pathText([...place, '__proto__']), message: `invalid name: expected ${rules.NOT_RESERVED}` }));
}
