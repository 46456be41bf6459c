import { RESERVED_NAMES } from '../../config/schema';
import { hasOwn } from '../../decide/decide';
import { featureOf, isObject, kindOf, put, type Change, type Json } from '../edit';
import { CliError, EXIT } from '../errors';
import { escapeText, quote } from '../output';

/** A variant of a feature. */
export type Variant = 'stable' | 'canary';

/** A flag's value: what `flag set` writes. */
export type FlagValue = boolean | number | string;

// JSON's own number grammar: "007" and "1." stay text, as they would in JSON.
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * A flag value as typed on the command line: `true` / `false` a boolean, a JSON number a number,
 * anything else text; `asText` keeps it text whatever it looks like (`--string`).
 *
 * @example
 * flagValue('true') // true
 * flagValue('12.5') // 12.5
 * flagValue('007') // '007'
 * flagValue('true', true) // 'true'
 */
export function flagValue(text: string, asText = false): FlagValue {
  if (asText) return text;
  if (text === 'true' || text === 'false') return text === 'true';
  if (!JSON_NUMBER.test(text)) return text;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new CliError(`${quote(text)} is too large for a number; pass --string to keep it as text`, EXIT.invalid);
  return value;
}

/**
 * `flag set`: `flags[name] = value` on one variant of the feature, the variant and its flags
 * made when absent. A name another feature declares is left to the config's validation, which
 * refuses it with its path.
 */
export function setFlag(doc: unknown, feature: string, name: string, value: FlagValue, variant: Variant): Change[] {
  if (RESERVED_NAMES.includes(name)) throw new CliError(`${quote(name)} cannot name a flag: JavaScript objects use it`, EXIT.invalid);
  const spec = featureOf(doc, feature);
  const flags = objectAt(objectAt(spec, variant, `features.${escapeText(feature)}.${variant}`), 'flags', `features.${escapeText(feature)}.${variant}.flags`);
  const changes: Change[] = [];
  put(flags, name, value, `${feature}.${variant}.flags.${name}`, changes);
  return changes;
}

/**
 * `flag unset`: removes the flag from the variant named, or from both. A flags object left empty
 * goes too. A flag the feature does not have is an error that lists the ones it has (a typo
 * must not pass for done).
 */
export function unsetFlag(doc: unknown, feature: string, name: string, variant?: Variant): Change[] {
  const spec = featureOf(doc, feature);
  const changes: Change[] = [];
  const known = new Set<string>();
  for (const v of variant ? [variant] : (['stable', 'canary'] as const)) {
    const flags = isObject(spec[v]) ? (spec[v] as Json).flags : undefined;
    if (!isObject(flags)) continue;
    for (const key of Object.keys(flags)) known.add(key);
    if (!hasOwn(flags, name)) continue;
    put(flags, name, undefined, `${feature}.${v}.flags.${name}`, changes);
    if (!Object.keys(flags).length) delete (spec[v] as Json).flags;
  }
  if (!changes.length) {
    const where = variant ? `the ${variant} variant of feature ${quote(feature)}` : `feature ${quote(feature)}`;
    throw new CliError(`${where} has no flag ${quote(name)}; its flags: ${known.size ? [...known].map((f) => quote(f)).join(', ') : 'none'}`, EXIT.invalid);
  }
  return changes;
}

/** The object at `parent[key]`, made when absent; anything else there is a clear error. */
function objectAt(parent: Json, key: string, path: string): Json {
  const value = parent[key];
  if (value === undefined) return (parent[key] = {});
  if (!isObject(value)) throw new CliError(`${path} is ${kindOf(value)}, not an object; fix it by hand (client-canary validate shows every error)`, EXIT.invalid);
  return value;
}
