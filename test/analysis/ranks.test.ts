import { describe, expect, it } from 'vitest';
import { binnedMedian, mannWhitneyBinned } from '../../src/analysis/ranks';

// Reference: SciPy 1.17, mannwhitneyu(canary, stable, alternative='greater', method='asymptotic',
// use_continuity=False) on the samples the bins stand for (each sample its bin's index), z from
// its p-value (norm.isf).
describe('the rank test of a vital', () => {
  it.each([
    [[0, 2, 5, 10, 20, 30, 10, 3, 0, 0], [1, 5, 20, 40, 60, 50, 15, 5, 2, 2], 0.58828125, 2.372317311635677],
    [[0, 0, 1, 2, 3, 10, 20, 30, 10, 4], [1, 5, 20, 40, 60, 50, 15, 5, 2, 2], 0.8841875, 10.191415175815541],
    [[5, 5], [5, 5], 0.5, 0],
    [[0, 3], [3, 0], 1, 2.23606797749979],
  ])('Mann–Whitney U of %j against %j: superiority %f, z %f (SciPy)', (canary, stable, superiority, z) => {
    const test = mannWhitneyBinned(canary, stable)!;
    expect(test.superiority).toBeCloseTo(superiority, 12);
    expect(test.z).toBeCloseTo(z, 9);
  });

  it('has no test without samples in both arms', () => {
    expect(mannWhitneyBinned([0, 0], [1, 2])).toBeUndefined();
  });

  it('finds the median within its bin, linearly', () => {
    // 10 samples: 2 in (0, 100], 6 in (100, 200], 2 above 200: the 5th is half-way into the second bin.
    expect(binnedMedian([2, 6, 2], [100, 200, Infinity])).toBeCloseTo(150, 12);
    expect(binnedMedian([0, 0, 4], [100, 200, Infinity])).toBe(200);
    expect(binnedMedian([0, 0], [1, 2])).toBeUndefined();
  });
});
