import { VITAL_BUCKETS } from '../health/record';
import { binnedMedian, mannWhitneyBinned } from './ranks';
import { newcombe, normalQuantile, sampleRatio } from './stats';

/** The counts of one arm (assigned variant) of one feature and revision. */
export interface ArmCounts {
  sessions: number;
  errorSessions: number;
  /** Per vital, samples per bucket of VITAL_BUCKETS (the last above them all). */
  vitals?: Record<string, number[]>;
}

/** One vital's comparison: medians, the canary's change in percent, and the rank test's z. */
export interface VitalJudgement {
  canaryMedian: number;
  stableMedian: number;
  /** (canary − stable) / stable median, in percent. */
  change: number;
  z: number;
  verdict: 'fail' | 'ok';
}

export type Verdict = 'srm' | 'inconclusive' | 'fail' | 'pass';

export interface JudgeOptions {
  /** The canary's percentage in the config (0..100). */
  percentage: number;
  /** Fewer sessions than this in an arm: inconclusive (default 50). */
  minSessions?: number;
  /** How much worse the canary's error-session rate may be, in percentage points (default 0.5). */
  tolerance?: number;
  /** Two-sided confidence of the interval of the difference (default 0.98). */
  confidence?: number;
  /** The sample-ratio test's threshold (default 0.001). */
  srmAlpha?: number;
  /** How much slower the canary's median of a vital may be, in percent (default 10). */
  vitalTolerance?: number;
}

export interface Judgement {
  verdict: Verdict;
  /** Why, in words, first the deciding one. */
  reasons: string[];
  /** Canary minus stable error-session rate, in percentage points, with its interval (when there are sessions in both arms). */
  difference?: { value: number; low: number; high: number; confidence: number };
  srm?: { statistic: number; pValue: number };
  vitals?: Record<string, VitalJudgement>;
}

const BOUNDS = [...VITAL_BUCKETS, Infinity];

/**
 * Each vital with at least `minSamples` in both arms: `fail` when the rank test says the canary is
 * slower at `confidence` (one-sided) and its median is slower by more than `tolerance` percent.
 */
function judgeVitals(arms: { stable: ArmCounts; canary: ArmCounts }, minSamples: number, confidence: number, tolerance: number): Record<string, VitalJudgement> {
  const out: Record<string, VitalJudgement> = {};
  for (const [name, canary] of Object.entries(arms.canary.vitals ?? {})) {
    const stable = arms.stable.vitals?.[name];
    const test = stable && mannWhitneyBinned(canary, stable);
    if (!test || test.canary < minSamples || test.stable < minSamples) continue;
    const canaryMedian = binnedMedian(canary, BOUNDS)!;
    const stableMedian = binnedMedian(stable, BOUNDS)!;
    const change = stableMedian > 0 ? 100 * (canaryMedian / stableMedian - 1) : 0;
    out[name] = { canaryMedian, stableMedian, change, z: test.z, verdict: test.z > normalQuantile(confidence) && change > tolerance ? 'fail' : 'ok' };
  }
  return out;
}

const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}`;

/**
 * The verdict of SPEC 10 on one feature's canary, in order: `srm` when the arms' sizes do not fit
 * the percentage (chi-square, p < 0.001); `inconclusive` while an arm is under `minSessions`;
 * `fail` when the whole interval of (canary − stable) error-session rate lies above the
 * tolerance; `pass` when it lies below; `inconclusive` otherwise. The interval is Newcombe's
 * hybrid score interval at `confidence`.
 */
export function judge(arms: { stable: ArmCounts; canary: ArmCounts }, options: JudgeOptions): Judgement {
  const { percentage, minSessions = 50, tolerance = 0.5, confidence = 0.98, srmAlpha = 0.001, vitalTolerance = 10 } = options;
  const { stable, canary } = arms;
  const reasons: string[] = [];
  const srm = sampleRatio(canary.sessions, stable.sessions, percentage / 100);
  let vitals: Record<string, VitalJudgement> | undefined;
  const out = (verdict: Verdict, why: string): Judgement => ({ verdict, reasons: [why, ...reasons], ...(difference && { difference }), ...(srm && { srm }), ...(vitals && { vitals }) });
  let difference: Judgement['difference'];
  if (canary.sessions && stable.sessions) {
    const [low, high] = newcombe(canary.errorSessions, canary.sessions, stable.errorSessions, stable.sessions, confidence);
    difference = { value: canary.errorSessions / canary.sessions - stable.errorSessions / stable.sessions, low, high, confidence };
  }
  if (srm && srm.pValue < srmAlpha) {
    const share = (100 * canary.sessions) / (canary.sessions + stable.sessions);
    return out('srm', `sample-ratio mismatch: the canary has ${share.toFixed(2)} % of the sessions for ${percentage} % configured (chi-square ${srm.statistic.toFixed(1)}, p = ${srm.pValue.toExponential(1)} < ${srmAlpha}): the counts cannot be trusted`);
  }
  if (canary.sessions < minSessions || stable.sessions < minSessions)
    return out('inconclusive', `too few sessions: canary ${canary.sessions}, stable ${stable.sessions}, at least ${minSessions} in each arm`);
  const { value, low, high } = difference!;
  const range = `${points(value)} points, ${Math.round(confidence * 100)} % interval [${points(low)}, ${points(high)}]`;
  // Vitals, lower is better: a slower canary fails whatever its errors say.
  vitals = judgeVitals(arms, minSessions, confidence, vitalTolerance);
  for (const [name, v] of Object.entries(vitals)) {
    const line = `${name}: canary median ${Math.round(v.canaryMedian * 1000) / 1000} against stable ${Math.round(v.stableMedian * 1000) / 1000} (${v.change >= 0 ? '+' : ''}${v.change.toFixed(1)} %, rank test z = ${v.z.toFixed(2)})`;
    if (v.verdict === 'fail') return out('fail', `the canary is slower on ${line}, beyond ${vitalTolerance} %`);
    reasons.push(line);
  }
  if (low > tolerance / 100) return out('fail', `the canary's error-session rate is worse than stable's by more than ${tolerance} points: ${range}`);
  if (high < tolerance / 100) return out('pass', `the canary's error-session rate is within ${tolerance} points of stable's: ${range}`);
  return out('inconclusive', `not yet sure either way: ${range}, against a tolerance of ${tolerance} points`);
}
