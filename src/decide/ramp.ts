import type { FeatureConfig } from '../config/schema';
import { durationMs } from './duration';

/**
 * The percentage in force at `now` (epoch ms): with a ramp, the percentage of the last step whose
 * `start + after` has passed, 0 before the first step; otherwise the feature's `percentage`
 * (default 0). `now` defaults to the clock, and is only read for a ramp.
 */
export function effectivePercentage(feature: FeatureConfig, now?: number): number {
  const ramp = feature.ramp;
  if (!ramp) return feature.percentage ?? 0;
  const start = Date.parse(ramp.start);
  now ??= Date.now(); // only here: a default parameter would read the clock for every decision
  let percentage = 0;
  for (const step of ramp.steps) {
    // Written so that a NaN clock or start stays before every step instead of past them all.
    if (!(now >= start + durationMs(step.after))) break;
    percentage = step.percentage;
  }
  return percentage;
}

/** When (epoch ms) the percentage of `feature` next changes after `now`: its next ramp step; undefined when none is ahead. */
export function nextStepAt(feature: FeatureConfig, now: number): number | undefined {
  const start = Date.parse(feature.ramp?.start ?? '');
  for (const step of feature.ramp?.steps ?? []) {
    const at = start + durationMs(step.after);
    if (at > now) return at;
  }
  return undefined;
}
