import type { Asset, CanaryConfig, FlagValue } from '../config/schema';
import { hasOwn, type Variant } from './decide';

/** Per feature, the page's own stable assets and flags (the `fallback` option of createCanary). */
export type Fallback = Record<string, { assets?: Asset[]; flags?: Record<string, FlagValue> }>;

/** Chooses a feature's variant; called only when there is a config (a decision the page acts on). */
export type ChooseVariant = (feature: string) => Variant;

/** The features of the config, or of the fallback when there is no config. */
export function featuresOf(config: CanaryConfig | null, fallback: Fallback | undefined): string[] {
  return Object.keys(config?.features ?? fallback ?? {});
}

/**
 * The flags of `feature` in `variant`: the config's, or without a config the fallback's, which
 * are stable flags (a fallback has no canary).
 */
export function flagsIn(config: CanaryConfig | null, fallback: Fallback | undefined, feature: string, variant: Variant): Record<string, FlagValue> | undefined {
  if (config) return hasOwn(config.features, feature) ? config.features[feature]![variant]?.flags : undefined;
  return variant === 'canary' || !hasOwn(fallback, feature) ? undefined : fallback![feature]?.flags;
}

/** The flags of `feature` in its chosen variant; without a config there is no choice to make (stable). */
const chosenFlags = (config: CanaryConfig | null, fallback: Fallback | undefined, feature: string, choose: ChooseVariant) =>
  flagsIn(config, fallback, feature, config ? choose(feature) : 'stable');

/** The first feature that declares flag `name`, in either variant (SPEC: a flag belongs to one feature). */
export function ownerOf(config: CanaryConfig | null, fallback: Fallback | undefined, name: string): string | undefined {
  return featuresOf(config, fallback).find((f) => hasOwn(flagsIn(config, fallback, f, 'stable'), name) || hasOwn(flagsIn(config, fallback, f, 'canary'), name));
}

/**
 * The value of flag `name` in the chosen variant of the feature that owns it; undefined when no
 * feature declares it, or its chosen variant does not. `choose` is asked about the owner only.
 * Of any type: the caller holds it to its default's.
 */
export function flagValue(config: CanaryConfig | null, fallback: Fallback | undefined, name: string, choose: ChooseVariant): FlagValue | undefined {
  const owner = ownerOf(config, fallback, name);
  const flags = owner === undefined ? undefined : chosenFlags(config, fallback, owner, choose);
  return hasOwn(flags, name) ? flags![name] : undefined;
}

/** Every feature's flags in its chosen variant, in one object (a later feature's flag wins a name clash). */
export function allFlags(config: CanaryConfig | null, fallback: Fallback | undefined, choose: ChooseVariant): Record<string, FlagValue> {
  return Object.assign({}, ...featuresOf(config, fallback).map((f) => chosenFlags(config, fallback, f, choose))) as Record<string, FlagValue>;
}
