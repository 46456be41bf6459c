/**
 * The statistics of the canary judge (SPEC 10), in closed form: no library, no sampling.
 * Held to published and independently computed values in test/analysis/stats.test.ts.
 */

/**
 * The standard normal quantile Φ⁻¹(p), by Acklam's rational approximation refined with one
 * Halley step (relative error about 1e-15 on 0 < p < 1).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  // One Halley step on Φ(x) - p.
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * The complementary error function, by W. J. Cody's rational Chebyshev approximations (relative
 * error below 1e-13 everywhere): the chi-square tail of SRM needs it far out (p < 0.001).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) {
    const z = x * x;
    const p = [3.16112374387056560, 1.13864154151050156e2, 3.77485237685302021e2, 3.20937758913846947e3, 1.85777706184603153e-1];
    const q = [2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3, 2.84423683343917062e3];
    const num = (((p[4]! * z + p[0]!) * z + p[1]!) * z + p[2]!) * z + p[3]!;
    const den = (((z + q[0]!) * z + q[1]!) * z + q[2]!) * z + q[3]!;
    return 1 - (x * num) / den;
  }
  if (x < 4) {
    const p = [5.64188496988670089e-1, 8.88314979438837594, 6.61191906371416295e1, 2.98635138197400131e2, 8.81952221241769090e2, 1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3, 2.15311535474403846e-8];
    const q = [1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2, 1.62138957456669019e3, 3.29079923573345963e3, 4.36261909014324716e3, 3.43936767414372164e3, 1.23033935480374942e3];
    let num = p[8]! * x;
    let den = x;
    for (let i = 0; i < 7; i++) {
      num = (num + p[i]!) * x;
      den = (den + q[i]!) * x;
    }
    return (Math.exp(-x * x) * (num + p[7]!)) / (den + q[7]!);
  }
  if (x > 27) return 0;
  const z = 1 / (x * x);
  const p = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2];
  const q = [2.56852019228982242, 1.87295284992346725, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3];
  let num = p[5]! * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + p[i]!) * z;
    den = (den + q[i]!) * z;
  }
  const r = (z * (num + p[4]!)) / (den + q[4]!);
  return (Math.exp(-x * x) / x) * (1 / Math.sqrt(Math.PI) - r);
}

/**
 * Sample-ratio mismatch: the chi-square goodness-of-fit test (1 degree of freedom) of the arms'
 * session counts against the split the config asks for (`share`: the canary's, 0..1).
 * Undefined when the share leaves an arm nothing to expect (0 % or 100 %).
 */
export function sampleRatio(canary: number, stable: number, share: number): { statistic: number; pValue: number } | undefined {
  const n = canary + stable;
  if (!(share > 0 && share < 1) || n === 0) return undefined;
  const expectCanary = n * share;
  const expectStable = n - expectCanary;
  const statistic = (canary - expectCanary) ** 2 / expectCanary + (stable - expectStable) ** 2 / expectStable;
  // The chi-square tail with 1 degree of freedom: P(X > x) = erfc(√(x/2)).
  return { statistic, pValue: erfc(Math.sqrt(statistic / 2)) };
}

/** The Wilson score interval of x successes in n trials at quantile z. */
export function wilson(x: number, n: number, z: number): [number, number] {
  if (n === 0) return [0, 1];
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Newcombe's hybrid score interval (his method 10, 1998) for the difference of two independent
 * proportions x1/n1 − x2/n2, at two-sided confidence `confidence`: sound for small and lopsided
 * counts, where the Wald interval is not.
 */
export function newcombe(x1: number, n1: number, x2: number, n2: number, confidence: number): [number, number] {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const [p1, p2] = [n1 ? x1 / n1 : 0, n2 ? x2 / n2 : 0];
  const [l1, u1] = wilson(x1, n1, z);
  const [l2, u2] = wilson(x2, n2, z);
  const d = p1 - p2;
  return [d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)];
}
