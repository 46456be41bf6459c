import type { Asset } from '../config/schema';
import { hasOwn } from '../decide/decide';
import { CliError, EXIT } from './errors';
import { escapeText, quote } from './output';
import type { RampStep } from './ramp-steps';

/** One change a command makes: where, and the value before and after (undefined = absent). */
export interface Change {
  path: string;
  before: unknown;
  after: unknown;
}

/** A JSON object, as the CLI edits it. */
export type Json = Record<string, unknown>;

/** A JSON object, not an array and not null. */
export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The config's features object, or a clear error when the file has none. */
export function featuresOf(doc: unknown): Json {
  if (!isObject(doc) || !isObject(doc.features)) throw new CliError('the config has no "features" object; run "client-canary validate" on it', EXIT.invalid);
  return doc.features;
}

/** The feature's object; an unknown name is an error that lists the known ones. */
export function featureOf(doc: unknown, name: string): Json {
  const features = featuresOf(doc);
  const feature = hasOwn(features, name) ? features[name] : undefined;
  if (feature === undefined) {
    const known = Object.keys(features);
    throw new CliError(`unknown feature ${quote(name)}; the config has ${known.length ? known.map((f) => quote(f)).join(', ') : 'no features'}`, EXIT.invalid);
  }
  if (!isObject(feature)) throw new CliError(`features.${escapeText(name)} is ${kindOf(feature)}, not an object; fix it by hand (client-canary validate shows every error)`, EXIT.invalid);
  return feature;
}

/** Sets `object[key]` (undefined removes it) and records the change; existing keys keep their place. */
export function put(object: Json, key: string, value: unknown, path: string, changes: Change[]): void {
  const before = object[key];
  if (JSON.stringify(before) === JSON.stringify(value)) return;
  if (value === undefined) delete object[key];
  else object[key] = value;
  changes.push({ path, before, after: value });
}

/** `set`: the percentage, with any ramp removed (a ramp would override it). */
export function setPercentage(doc: unknown, name: string, percentage: number): Change[] {
  const feature = featureOf(doc, name);
  const changes: Change[] = [];
  put(feature, 'percentage', percentage, `${name}.percentage`, changes);
  put(feature, 'ramp', undefined, `${name}.ramp`, changes);
  return changes;
}

/** `rollback`: percentage 0 and no ramp, for the named features or all. */
export function rollback(doc: unknown, names: string[] | 'all'): Change[] {
  const list = names === 'all' ? Object.keys(featuresOf(doc)) : names;
  return list.flatMap((name) => setPercentage(doc, name, 0));
}

/**
 * `promote`: the canary variant becomes the stable one, percentage 0, no ramp. Field by field: a
 * canary that carries only flags keeps the stable assets (and one with only assets, the flags).
 * A canary that is rolled back or killed is refused unless `force`: promoting it is rarely meant.
 */
export function promote(doc: unknown, name: string, force = false): Change[] {
  const feature = featureOf(doc, name);
  const canary = feature.canary;
  if (!isObject(canary)) throw new CliError(`feature "${name}" has no canary variant to promote`, EXIT.invalid);
  const parked = feature.enabled === false ? 'is killed' : !feature.ramp && !feature.percentage ? 'is at 0 %' : undefined;
  if (parked && !force) throw new CliError(`feature "${name}" ${parked}: its canary reaches nobody; promote it anyway with --force`, EXIT.invalid);
  const stable = isObject(feature.stable) ? feature.stable : {};
  const changes: Change[] = [];
  const promoted: Json = {};
  for (const key of new Set([...Object.keys(stable), ...Object.keys(canary)])) promoted[key] = key in canary ? canary[key] : stable[key];
  put(feature, 'stable', promoted, `${name}.stable`, changes);
  put(feature, 'canary', undefined, `${name}.canary`, changes);
  changes.push(...setPercentage(doc, name, 0));
  return changes;
}

/**
 * `ship`: new canary assets for a feature (its canary flags stay), and optionally a percentage.
 * An asset is a URL or an object (`{ url, type: "module", integrity, crossorigin }`, as
 * `ship --manifest` makes them); the config's validation checks either before any write.
 */
export function ship(doc: unknown, name: string, assets: Asset[], percentage?: number): Change[] {
  const feature = featureOf(doc, name);
  const changes: Change[] = [];
  const canary = isObject(feature.canary) ? { ...feature.canary } : {};
  canary.assets = assets;
  put(feature, 'canary', canary, `${name}.canary`, changes);
  if (percentage !== undefined) changes.push(...setPercentage(doc, name, percentage));
  return changes;
}

/** `ramp`: a time-based rollout from `start` (ISO) through `steps`. */
export function setRamp(doc: unknown, name: string, steps: RampStep[], start: string): Change[] {
  const feature = featureOf(doc, name);
  const changes: Change[] = [];
  put(feature, 'ramp', { start, steps }, `${name}.ramp`, changes);
  return changes;
}

/** `kill` / `revive`: the feature's `enabled` switch. */
export function setEnabled(doc: unknown, name: string, enabled: boolean): Change[] {
  const feature = featureOf(doc, name);
  const changes: Change[] = [];
  // true is the default: revive removes the key rather than writing it.
  put(feature, 'enabled', enabled ? undefined : false, `${name}.enabled`, changes);
  return changes;
}

/** `before → after` for people: JSON, with absent values said so. */
export function describeChange(change: Change): string {
  const show = (value: unknown) => (value === undefined ? '(none)' : quote(value));
  return `${escapeText(change.path)}: ${show(change.before)} → ${show(change.after)}`;
}

/** What a JSON value is, for messages: `an array`, `a number`, `null`. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
