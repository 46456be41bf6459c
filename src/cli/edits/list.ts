import { featureOf, kindOf, put, type Change } from '../edit';
import { CliError, EXIT } from '../errors';
import { escapeText } from '../output';

/** A feature's user id lists: `allow` (always canary, while enabled) and `deny` (never; wins). */
export type ListName = 'allow' | 'deny';

/**
 * `allow add` / `deny add`: appends the ids the list lacks, in the order given. Ids it holds are
 * left where they are, so adding is safe to repeat.
 */
export function addToList(doc: unknown, feature: string, list: ListName, ids: string[]): Change[] {
  const spec = featureOf(doc, feature);
  const before = listOf(spec[list], feature, list);
  const held = new Set(before);
  const after = [...before, ...new Set(ids.filter((id) => !held.has(id)))];
  const changes: Change[] = [];
  put(spec, list, after, `${feature}.${list}`, changes);
  return changes;
}

/** `allow remove` / `deny remove`: takes the ids out; an emptied list goes too. Safe to repeat. */
export function removeFromList(doc: unknown, feature: string, list: ListName, ids: string[]): Change[] {
  const spec = featureOf(doc, feature);
  const gone = new Set(ids);
  const before = listOf(spec[list], feature, list);
  const after = before.filter((id) => !gone.has(id));
  const changes: Change[] = [];
  if (after.length === before.length) return changes;
  put(spec, list, after.length ? after : undefined, `${feature}.${list}`, changes);
  return changes;
}

/** The list as it is; absent is empty, anything but an array of text is a clear error. */
function listOf(value: unknown, feature: string, list: ListName): string[] {
  if (value === undefined) return [];
  const where = `features.${escapeText(feature)}.${list}`;
  if (!Array.isArray(value)) throw new CliError(`${where} is ${kindOf(value)}, not a list of user ids; fix it by hand`, EXIT.invalid);
  const bad = value.findIndex((id) => typeof id !== 'string');
  if (bad >= 0) throw new CliError(`${where}[${bad}] is ${kindOf(value[bad])}, not a user id; fix it by hand`, EXIT.invalid);
  return value as string[];
}
