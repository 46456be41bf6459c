import { collectorSource, prometheusSource, type Arms, type MetricsSource } from '../analysis/sources';
import { judge, type Judgement, type JudgeOptions } from '../analysis/verdict';
import type { CanaryConfig } from '../config/schema';
import { effectivePercentage } from '../decide/ramp';
import { CliError, EXIT } from './errors';

/** The options `analyze` and `watch` share: where the counts are, and how the judge judges. */
export const JUDGE_OPTIONS = {
  metrics: { type: 'string' },
  prometheus: { type: 'string' },
  'min-sessions': { type: 'string' },
  tolerance: { type: 'string' },
  confidence: { type: 'string' },
  'vital-tolerance': { type: 'string' },
} as const;

export const JUDGE_HELP = `--metrics URL      a collector (client-canary collect), read through GET /summary
--prometheus URL   or a Prometheus server that scrapes the collectors (PromQL, sum by arm)
--min-sessions N   fewer sessions in an arm is inconclusive (default 50)
--tolerance P      how much worse the canary's error-session rate may be, in points (default 0.5)
--confidence C     of the interval of the difference (default 0.98)
--vital-tolerance P  how much slower the canary's median of a vital may be, in percent (default 10)
Verdicts, in order: srm (the arms' sizes do not fit the percentage: chi-square, p < 0.001),
inconclusive (too few sessions), fail (the whole interval of canary − stable error-session rate
lies above the tolerance: Newcombe's hybrid score interval), pass (it lies below), inconclusive.
With vitals in the records, a vital fails the canary when a Mann–Whitney rank test on the
histogram says it is slower (at the confidence, one-sided) and its median by more than the
vital tolerance.`;

type JudgeValues = Partial<Record<keyof typeof JUDGE_OPTIONS, string>>;

const number = (text: string | undefined, name: string, fallback: number, ok: (n: number) => boolean): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!ok(value)) throw new CliError(`--${name} ${text}: not a valid value`, EXIT.invalid);
  return value;
};

/** The metrics source and the judge's options of the command line. */
export function judgeSetup(values: JudgeValues): { source: MetricsSource; options: Omit<JudgeOptions, 'percentage'> } {
  if (!values.metrics === !values.prometheus) throw new CliError('give --metrics URL (a collector) or --prometheus URL, one of them', EXIT.invalid);
  const url = (values.metrics ?? values.prometheus)!;
  if (!/^https?:\/\//.test(url)) throw new CliError(`${url}: expected an http(s) URL`, EXIT.invalid);
  return {
    source: values.metrics ? collectorSource(url) : prometheusSource(url),
    options: {
      minSessions: number(values['min-sessions'], 'min-sessions', 50, (n) => Number.isInteger(n) && n >= 1),
      tolerance: number(values.tolerance, 'tolerance', 0.5, (n) => n >= 0 && n < 100),
      confidence: number(values.confidence, 'confidence', 0.98, (n) => n > 0.5 && n < 1),
      vitalTolerance: number(values['vital-tolerance'], 'vital-tolerance', 10, (n) => n >= 0),
    },
  };
}

/** The canary of `feature` in `config`, judged from the counts of its current revision. */
export async function judgeFeature(config: CanaryConfig, feature: string, source: MetricsSource, options: Omit<JudgeOptions, 'percentage'>, now = Date.now()) {
  const spec = Object.prototype.hasOwnProperty.call(config.features, feature) ? config.features[feature] : undefined;
  if (!spec) throw new CliError(`no feature "${feature}" in the config (it has ${Object.keys(config.features).join(', ') || 'none'})`, EXIT.invalid);
  const revision = config.revision ?? '';
  const percentage = effectivePercentage(spec, now);
  let arms: Arms;
  try {
    arms = await source.counts(feature, revision);
  } catch (cause) {
    throw new CliError(`cannot read the counts from ${source.name}: ${(cause as Error).message}`, EXIT.unreachable, undefined, { cause });
  }
  // A ramp moves the percentage within one revision: the arms' sizes then fit no one percentage,
  // and the sample-ratio test is left out (watch writes plain percentages).
  const judgement = judge(arms, { ...options, percentage: spec.ramp ? NaN : percentage });
  if (spec.ramp) judgement.reasons.push('sample ratio not tested: a ramp moves the percentage within the revision');
  return { feature, revision, percentage, spec, arms, judgement };
}

/** The exit code of a verdict: 0 pass, 4 fail, 5 inconclusive or srm. */
export const exitOf = (judgement: Judgement): number => (judgement.verdict === 'pass' ? EXIT.ok : judgement.verdict === 'fail' ? EXIT.failed : EXIT.held);

const rate = (arm: { sessions: number; errorSessions: number }) => (arm.sessions ? `${((100 * arm.errorSessions) / arm.sessions).toFixed(2)} %` : '–');

/** One line: the counts behind a verdict. */
export const countsLine = (arms: Arms) =>
  `canary ${arms.canary.sessions} sessions, ${arms.canary.errorSessions} with errors (${rate(arms.canary)}); stable ${arms.stable.sessions}, ${arms.stable.errorSessions} (${rate(arms.stable)})`;
