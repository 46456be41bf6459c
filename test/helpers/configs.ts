import type { CanaryConfig } from '../../src/config/schema';

/** A config with one feature, `app`, at the given percentage, and whatever else is asked. */
export function oneFeature(feature: Partial<CanaryConfig['features'][string]> = {}, revision = 'r1'): CanaryConfig {
  return { version: 1, revision, features: { app: { percentage: 50, enabled: true, ...feature } } };
}

/** `count` distinct user ids. */
export const userIds = (count: number, prefix = 'user-'): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
