import { newcombe, sampleRatio } from './stats';

/** The counts of one arm (assigned variant) of one feature and revision. */
export interface ArmCounts {
  sessions: number;
  errorSessions: number;
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
}

export interface Judgement {
  verdict: Verdict;
  /** Why, in words, first the deciding one. */
  reasons: string[];
  /** Canary minus stable error-session rate, in percentage points, with its interval (when there are sessions in both arms). */
  difference?: { value: number; low: number; high: number; confidence: number };
  srm?: { statistic: number; pValue: number };
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
  const { percentage, minSessions = 50, tolerance = 0.5, confidence = 0.98, srmAlpha = 0.001 } = options;
  const { stable, canary } = arms;
  const reasons: string[] = [];
  const srm = sampleRatio(canary.sessions, stable.sessions, percentage / 100);
  const out = (verdict: Verdict, why: string): Judgement => ({ verdict, reasons: [why, ...reasons], ...(difference && { difference }), ...(srm && { srm }) });
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
  if (low > tolerance / 100) return out('fail', `the canary's error-session rate is worse than stable's by more than ${tolerance} points: ${range}`);
  if (high < tolerance / 100) return out('pass', `the canary's error-session rate is within ${tolerance} points of stable's: ${range}`);
  return out('inconclusive', `not yet sure either way: ${range}, against a tolerance of ${tolerance} points`);
}
