import type { CanaryConfig } from '../config/schema';
import { bucketOf } from './bucket';
import { effectivePercentage } from './ramp';

export type Variant = 'stable' | 'canary';

/** Why a decision came out as it did, in the order SPEC section 4 tries them. */
export type Reason = 'disabled' | 'override' | 'denied' | 'allowed' | 'unmatched' | 'guarded' | 'rollout' | 'unknown' | 'fallback';

/** Where the user id came from: the `userId` option, storage, the cookie, made now, or memory only. */
export type UserIdSource = 'option' | 'storage' | 'cookie' | 'generated' | 'memory';

export type Attributes = Record<string, string | number | boolean>;

/** One feature's decision for one user. */
export interface Decision {
  feature: string;
  variant: Variant;
  reason: Reason;
  /** 0..9999; null when the feature is not in the config. */
  bucket: number | null;
  /** The effective percentage (ramp applied); 0 when the feature is not in the config. */
  percentage: number;
  revision: string | undefined;
  userIdSource: UserIdSource;
  /** Set when a failure led to this decision. */
  error?: string;
}

/** What {@link decide} needs besides the config. */
export interface DecideContext {
  userId: string;
  userIdSource?: UserIdSource;
  attributes?: Attributes;
  /** Epoch ms for ramps; default `Date.now()`. The browser passes the server's clock. */
  now?: number;
  overrides?: Record<string, Variant>;
  /** Features pinned to stable on this device by the guard, for this config revision. */
  guarded?: readonly string[];
}

/** An own property: config and override maps come from JSON, where `constructor` is just a name. */
export const hasOwn = (object: object | undefined, key: string): boolean => !!object && Object.prototype.hasOwnProperty.call(object, key);

/**
 * Decides one feature for one user: pure, the same answer in the browser, the CLI and a server.
 * First match wins (SPEC section 4): disabled (the kill switch beats everything, overrides
 * included), override, denied / allowed, unmatched, guarded, rollout; a feature missing from the
 * config is `unknown`, a missing config `fallback` (both stable).
 *
 * @example decide(config, 'app', { userId: 'user-42' }).variant // 'stable' | 'canary'
 */
export function decide(config: CanaryConfig | null | undefined, feature: string, context: DecideContext): Decision {
  const { userId, overrides, attributes } = context;
  const spec = config && hasOwn(config.features, feature) ? config.features[feature] : undefined;
  const decision: Decision = {
    feature,
    variant: 'stable',
    reason: !config ? 'fallback' : spec ? 'rollout' : 'unknown',
    bucket: spec ? bucketOf(spec.salt ?? feature, userId) : null,
    percentage: spec ? effectivePercentage(spec, context.now) : 0,
    revision: config?.revision,
    userIdSource: context.userIdSource ?? 'option',
  };
  const override = hasOwn(overrides, feature) ? overrides![feature] : undefined;
  // Killing a feature must reach every device at once, QA tabs with an override included.
  if (spec?.enabled === false) decision.reason = 'disabled';
  else if (override === 'stable' || override === 'canary') {
    decision.variant = override;
    decision.reason = 'override';
  } else if (spec) {
    const match = spec.match;
    if (spec.deny?.includes(userId)) decision.reason = 'denied';
    else if (spec.allow?.includes(userId)) {
      decision.variant = 'canary';
      decision.reason = 'allowed';
    }
    else if (match && !Object.keys(match).every((key) => hasOwn(attributes, key) && match[key]!.map(String).includes(String(attributes![key]))))
      decision.reason = 'unmatched';
    else if (context.guarded?.includes(feature)) decision.reason = 'guarded';
    else if (decision.bucket! < Math.round(decision.percentage * 100)) decision.variant = 'canary';
  }
  return decision;
}
