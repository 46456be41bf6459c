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
  /** 0..9999; null when the feature is not in the config, or the user id is not a string. */
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
 * Never throws. A feature that is not a string is `unknown`; a user id that is not a string is
 * never bucketed (stable, `bucket` null); attributes that throw when read match nothing; anything
 * else that throws (a config that was never validated, a hostile context) is stable `fallback`.
 * Each of these says what went wrong in `error`.
 *
 * @example decide(config, 'app', { userId: 'user-42' }).variant // 'stable' | 'canary'
 */
export function decide(config: CanaryConfig | null | undefined, feature: string, context: DecideContext): Decision {
  // The whole body in one try: no extra call on the hot path. Nothing below trusts a value to be
  // what its type says (servers pass whatever a request held); values are checked only where a
  // wrong one would throw or mislead.
  try {
    const { userId, overrides, attributes, guarded } = context ?? ({} as Partial<DecideContext>);
    const features = isObject(config) ? config.features : undefined;
    const named = typeof feature === 'string';
    const spec = named && hasOwn(features, feature) ? features![feature] : undefined;
    const bucketable = typeof userId === 'string';
    const decision: Decision = {
      feature: named ? feature : textOf(feature),
      variant: 'stable',
      reason: !isObject(features) ? 'fallback' : spec ? 'rollout' : 'unknown',
      bucket: spec && bucketable ? bucketOf(spec.salt ?? feature, userId) : null,
      percentage: spec ? effectivePercentage(spec, context?.now) : 0,
      revision: isObject(config) ? config.revision : undefined,
      userIdSource: context?.userIdSource ?? 'option',
    };
    if (!named) decision.error = 'feature is not a string';
    else if (spec && !bucketable) decision.error = 'userId is not a string';
    const override = named && hasOwn(overrides, feature) ? overrides![feature] : undefined;
    // Killing a feature must reach every device at once, QA tabs with an override included.
    if (spec?.enabled === false) decision.reason = 'disabled';
    else if (override === 'stable' || override === 'canary') {
      decision.variant = override;
      decision.reason = 'override';
    } else if (spec) {
      const match = spec.match;
      // Only a list: `'user-1'.includes('user-')` would deny by substring.
      if (Array.isArray(spec.deny) && spec.deny.includes(userId)) decision.reason = 'denied';
      else if (Array.isArray(spec.allow) && spec.allow.includes(userId)) {
        decision.variant = 'canary';
        decision.reason = 'allowed';
      }
      else if (match && !isMatched(match, attributes, decision)) decision.reason = 'unmatched';
      else if (Array.isArray(guarded) && guarded.includes(feature)) decision.reason = 'guarded';
      else if (decision.bucket !== null && decision.bucket < Math.round(decision.percentage * 100)) decision.variant = 'canary';
    }
    return decision;
  } catch (cause) {
    // A config that was never validated, a context whose getters throw: stable, and why.
    return {
      feature: typeof feature === 'string' ? feature : textOf(feature),
      variant: 'stable',
      reason: 'fallback',
      bucket: null,
      percentage: 0,
      revision: undefined,
      userIdSource: 'option',
      error: `could not decide: ${textOf(cause instanceof Error ? cause.message : cause)}`,
    };
  }
}

/** Every key of `match` satisfied, compared as text; attributes that throw when read satisfy none. */
function isMatched(match: Record<string, unknown[]>, attributes: Attributes | undefined, decision: Decision): boolean {
  try {
    return Object.keys(match).every((key) => hasOwn(attributes, key) && match[key]!.map(String).includes(String(attributes![key])));
  } catch (cause) {
    decision.error = `attributes could not be matched: ${textOf(cause instanceof Error ? cause.message : cause)}`;
    return false;
  }
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** A value as text for a message, whatever it is: a symbol, or an object whose toString throws. */
function textOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '';
  }
}
