import { ErrorCode, StandardResolutionReasons, type FlagMetadata, type JsonValue, type ResolutionDetails, type ResolutionReason } from '@openfeature/web-sdk';
import type { CanaryConfig } from '../config/schema';
import { hasOwn, type Decision, type Reason } from '../decide/decide';
import { flagsIn, ownerOf, type Fallback } from '../decide/flags';

/** What a resolution reads of the client: the config in use (null before one, or without one) and decisions (exposures). */
export interface FlagSource {
  config(): CanaryConfig | null;
  fallback: Fallback | undefined;
  decide(feature: string): Decision;
}

/** OpenFeature's reason for each of decide's; the SDK's own reason stays in the flag metadata. */
const REASONS: Record<Reason, ResolutionReason> = {
  rollout: StandardResolutionReasons.SPLIT,
  allowed: StandardResolutionReasons.TARGETING_MATCH,
  denied: StandardResolutionReasons.TARGETING_MATCH,
  unmatched: StandardResolutionReasons.TARGETING_MATCH,
  // Forced for this tab (QA): no evaluation.
  override: StandardResolutionReasons.STATIC,
  disabled: StandardResolutionReasons.DISABLED,
  // Pinned to stable on this device after its canary failed, or no config: the pre-set value.
  guarded: StandardResolutionReasons.DEFAULT,
  fallback: StandardResolutionReasons.DEFAULT,
  unknown: StandardResolutionReasons.UNKNOWN,
};

type Kind = 'boolean' | 'string' | 'number' | 'object';

const metadataOf = (d: Decision): FlagMetadata => ({
  feature: d.feature,
  reason: d.reason,
  percentage: d.percentage,
  ...(d.revision !== undefined && { revision: d.revision }),
  ...(d.bucket !== null && { bucket: d.bucket }),
});

const failed = <T>(value: T, errorCode: ErrorCode, errorMessage: string, flagMetadata: FlagMetadata = {}): ResolutionDetails<T> => ({
  value,
  reason: StandardResolutionReasons.ERROR,
  errorCode,
  errorMessage,
  flagMetadata,
});

/**
 * One OpenFeature evaluation: `key` is a flag of the config (its value in the chosen variant of the
 * feature that owns it), or else a feature's name (a string flag of its variant, or a boolean flag
 * true for canary). The variant is `stable` or `canary`. Never throws.
 */
export function resolveFlag<T extends JsonValue>(source: FlagSource, key: string, defaultValue: T, kind: Kind): ResolutionDetails<T> {
  const config = source.config();
  const owner = ownerOf(config, source.fallback, key);
  if (owner === undefined) {
    if (!config || !hasOwn(config.features, key)) {
      const why = config ? `no flag or feature "${key}" in the config (revision ${config.revision ?? 'unnamed'})` : `no config could be read, and the fallback has no flag "${key}"`;
      return failed(defaultValue, ErrorCode.FLAG_NOT_FOUND, why);
    }
    // A feature as a flag: its variant.
    const d = source.decide(key);
    const value = kind === 'string' ? d.variant : kind === 'boolean' ? d.variant === 'canary' : undefined;
    if (value === undefined) return failed(defaultValue, ErrorCode.TYPE_MISMATCH, `feature "${key}" is a string (its variant) or a boolean (canary), not a ${kind}`, metadataOf(d));
    return { value: value as T, variant: d.variant, reason: REASONS[d.reason], flagMetadata: metadataOf(d) };
  }
  const d = source.decide(owner);
  const flags = flagsIn(config, source.fallback, owner, config ? d.variant : 'stable');
  // Declared in the other variant only: this one leaves it to the caller's default.
  if (!hasOwn(flags, key)) return { value: defaultValue, variant: d.variant, reason: StandardResolutionReasons.DEFAULT, flagMetadata: metadataOf(d) };
  const value = flags![key];
  if (typeof value !== kind) return failed(defaultValue, ErrorCode.TYPE_MISMATCH, `flag "${key}" is a ${typeof value}, not a ${kind}`, metadataOf(d));
  return { value: value as T, variant: d.variant, reason: REASONS[d.reason], flagMetadata: metadataOf(d) };
}
