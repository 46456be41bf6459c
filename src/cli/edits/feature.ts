import { RESERVED_NAMES } from '../../config/schema';
import { hasOwn } from '../../decide/decide';
import { featureOf, featuresOf, put, type Change, type Json } from '../edit';
import { CliError, EXIT } from '../errors';
import { quote } from '../output';

/** What a new feature starts with. */
export interface NewFeature {
  /** The stable variant's assets: what everyone gets until a canary ships. */
  stableAssets?: string[];
  /** Its first percentage; 0 when absent. */
  percentage?: number;
}

/**
 * `feature add`: a new feature at the end of `features`, at `percentage` (0 by default) with
 * its stable assets. A name the config has is refused: adding must never reset a live feature.
 */
export function addFeature(doc: unknown, name: string, spec: NewFeature = {}): Change[] {
  const features = featuresOf(doc);
  if (hasOwn(features, name)) throw new CliError(`feature ${quote(name)} exists; change it with the other commands, or remove it first`, EXIT.invalid);
  // Assigning features["__proto__"] would change the object's prototype instead of adding a key.
  if (RESERVED_NAMES.includes(name)) throw new CliError(`${quote(name)} cannot name a feature: JavaScript objects use it`, EXIT.invalid);
  const feature: Json = { percentage: spec.percentage ?? 0 };
  if (spec.stableAssets?.length) feature.stable = { assets: spec.stableAssets };
  const changes: Change[] = [];
  put(features, name, feature, name, changes);
  return changes;
}

/**
 * `feature remove`: the feature and everything in it. One that still reaches canary users
 * (a percentage above 0 or a ramp, while enabled) is refused unless `force`: pages that ask for a
 * feature the config lacks get neither variant's assets, so removal is the end of a rollout
 * that was rolled back or promoted, not a way back.
 */
export function removeFeature(doc: unknown, name: string, force = false): Change[] {
  const feature = featureOf(doc, name);
  const live = feature.enabled !== false && (feature.ramp !== undefined || (typeof feature.percentage === 'number' && feature.percentage > 0));
  if (live && !force) {
    const reach = feature.ramp !== undefined ? 'has a ramp' : `is at ${quote(feature.percentage)} %`;
    throw new CliError(`feature ${quote(name)} ${reach}: roll it back or promote it first, or remove it anyway with --force`, EXIT.invalid);
  }
  const changes: Change[] = [];
  put(featuresOf(doc), name, undefined, name, changes);
  return changes;
}
