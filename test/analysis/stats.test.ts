import { describe, expect, it } from 'vitest';
import { erfc, newcombe, normalQuantile, sampleRatio } from '../../src/analysis/stats';

// Reference values from outside this code:
// - Newcombe, "Interval estimation for the difference between independent proportions:
//   comparison of eleven methods", Statistics in Medicine 17 (1998), Table II, method 10, 95 %.
// - SciPy 1.17 (scipy.stats.norm.ppf, chi2.sf) and the Wilson/Newcombe formulas written out in
//   Python, for 98 % and for the chi-square tail.
describe('the statistics of the judge', () => {
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
  ])('Newcombe method 10 at 95 %% for %i/%i − %i/%i is [%f, %f] (Newcombe 1998, Table II)', (x1, n1, x2, n2, lo, hi) => {
    const [l, u] = newcombe(x1, n1, x2, n2, 0.95);
    expect(l).toBeCloseTo(lo, 4);
    expect(u).toBeCloseTo(hi, 4);
  });

  it.each([
    // Tiny and lopsided counts, at the judge's default 98 % (SciPy).
    [30, 1000, 20, 2000, 0.0077870514600817675, 0.03581612254450961],
    [2, 60, 1, 940, 0.005571087980691211, 0.13535567514277475],
    [5, 50, 40, 950, -0.0071281553249774796, 0.19910617587583165],
    [0, 50, 10, 950, -0.021465046936005754, 0.08728915210694446],
    [120, 5000, 2000, 95000, -0.0017306179576114843, 0.0086200533696422],
  ])('Newcombe at 98 %% for %i/%i − %i/%i is [%f, %f] (SciPy)', (x1, n1, x2, n2, lo, hi) => {
    const [l, u] = newcombe(x1, n1, x2, n2, 0.98);
    expect(l).toBeCloseTo(lo, 10);
    expect(u).toBeCloseTo(hi, 10);
  });

  it('has the normal quantile and the chi-square tail of SciPy', () => {
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 10);
    for (const [x, tail] of [
      [10.828, 0.0009997657195830916],
      [3.841, 0.050013683763956804],
      [0.5, 0.47950012218695337],
      [25, 5.733031437583875e-7],
    ] as const)
      expect(erfc(Math.sqrt(x / 2)) / tail).toBeCloseTo(1, 10);
  });

  it.each([
    [50, 950, 0.05, 0, 1],
    [80, 920, 0.05, 18.94736842105263, 1.3437449764163664e-5],
    [100, 900, 0.05, 52.631578947368425, 4.0236721906842227e-13],
    [530, 470, 0.5, 3.6, 0.05777957112359715],
    [560, 440, 0.5, 14.4, 0.00014780231033445398],
  ])('tests the sample ratio of %i canary to %i stable sessions at a %f share (SciPy)', (canary, stable, share, statistic, p) => {
    const srm = sampleRatio(canary, stable, share)!;
    expect(srm.statistic).toBeCloseTo(statistic, 9);
    expect(srm.pValue / p).toBeCloseTo(1, 9);
  });

  it('has no sample ratio to test at 0 % or 100 %, or with no sessions', () => {
    expect(sampleRatio(0, 100, 0)).toBeUndefined();
    expect(sampleRatio(100, 0, 1)).toBeUndefined();
    expect(sampleRatio(0, 0, 0.5)).toBeUndefined();
  });
});
