/**
 * The rank test of a vital (SPEC 10): Mann–Whitney U on histogram counts, lower is better. Both
 * arms' samples are binned alike (the collector's buckets), so ties are whole bins.
 */

/** How often a canary value beats a stable one (ties count half), and the z of U. */
export interface RankTest {
  /** U / (n1 n2): 0.5 when the arms are alike, above when the canary is slower. */
  superiority: number;
  /** (U − n1 n2 / 2) / σ, σ with the tie correction: large and positive when the canary is slower. */
  z: number;
  canary: number;
  stable: number;
}

/**
 * Mann–Whitney U of the canary's counts per bin against stable's (bins in rising order, each
 * count the samples in that bin alone, not cumulative). Undefined when an arm has no sample.
 */
export function mannWhitneyBinned(canary: readonly number[], stable: readonly number[]): RankTest | undefined {
  const n1 = canary.reduce((a, b) => a + b, 0);
  const n2 = stable.reduce((a, b) => a + b, 0);
  if (!n1 || !n2) return undefined;
  let below = 0;
  let u = 0;
  let ties = 0;
  canary.forEach((c, i) => {
    const s = stable[i] ?? 0;
    u += c * (below + s / 2);
    below += s;
    const t = c + s;
    ties += t * t * t - t;
  });
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  return { superiority: u / (n1 * n2), z: variance > 0 ? (u - (n1 * n2) / 2) / Math.sqrt(variance) : 0, canary: n1, stable: n2 };
}

/**
 * The median of binned samples, linear within its bin (`bounds`: each bin's upper bound, rising;
 * the first bin starts at 0, a last bin without an upper bound gives its lower bound).
 */
export function binnedMedian(counts: readonly number[], bounds: readonly number[]): number | undefined {
  const n = counts.reduce((a, b) => a + b, 0);
  if (!n) return undefined;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    const low = i === 0 ? 0 : bounds[i - 1]!;
    const high = bounds[i] ?? Infinity;
    if (seen + c >= n / 2 && c > 0) return Number.isFinite(high) ? low + ((n / 2 - seen) / c) * (high - low) : low;
    seen += c;
  }
  return undefined;
}
