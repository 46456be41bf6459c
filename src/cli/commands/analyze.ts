import { defineCommand } from '../command';
import { load } from '../config-io';
import { countsLine, exitOf, JUDGE_HELP, JUDGE_OPTIONS, judgeFeature, judgeSetup } from '../judging';
import { escapeText } from '../output';

/** `analyze <target> <feature>`: the verdict on a canary (SPEC 10). */
export const analyze = defineCommand({
  name: 'analyze',
  usage: '<target> <feature> (--metrics URL | --prometheus URL) [--json]',
  target: 'required',
  args: ['feature'],
  options: { ...JUDGE_OPTIONS, json: { type: 'boolean' } },
  summary: 'judge the canary against stable from the health records of its revision: pass, fail, inconclusive or srm',
  help: `Reads the config (the feature's percentage and the revision), the counts per arm of that
revision, and prints the verdict. Exit code: 0 pass, 4 fail, 5 inconclusive or srm, so a CI step
can gate on it.
${JUDGE_HELP}

Examples:
  client-canary analyze s3://my-bucket/canary-config.json app --metrics http://127.0.0.1:8787
  client-canary analyze canary-config.json app --prometheus http://prometheus:9090 --json`,
  async run({ target, args: [feature], values, out }) {
    const { source, options } = judgeSetup(values);
    const { config } = await load(target);
    const { revision, percentage, arms, judgement } = await judgeFeature(config, feature!, source, options);
    if (values.json) {
      out.log(JSON.stringify({ feature, revision, percentage, verdict: judgement.verdict, reasons: judgement.reasons, arms, difference: judgement.difference ?? null, srm: judgement.srm ?? null, vitals: judgement.vitals ?? {} }, null, 2));
    } else {
      out.log(`${escapeText(feature!)} at revision ${escapeText(revision || '(none)')}, ${percentage} %: ${countsLine(arms)}`);
      out.log(`${judgement.verdict}: ${judgement.reasons[0]}`);
      for (const reason of judgement.reasons.slice(1)) out.log(`  ${reason}`);
    }
    return { exitCode: exitOf(judgement) };
  },
});
