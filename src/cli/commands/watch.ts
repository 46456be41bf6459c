import { durationMs } from '../../decide/duration';
import { defineCommand } from '../command';
import { edit, load } from '../config-io';
import { rollback, setPercentage } from '../edit';
import { CliError, EXIT } from '../errors';
import { toPercentage } from '../inputs';
import { effectivePercentage } from '../../decide/ramp';
import { countsLine, JUDGE_HELP, JUDGE_OPTIONS, judgeFeature, judgeSetup } from '../judging';
import { escapeText } from '../output';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `watch <target> <feature>`: the progressive rollout controller (SPEC 10), Flagger for the browser. */
export const watch = defineCommand({
  name: 'watch',
  usage: '<target> <feature> (--metrics URL | --prometheus URL) --steps 5,25,50,100 [--interval 10m] [--max-holds N] [--once]',
  target: 'required',
  args: ['feature'],
  writes: true,
  options: { ...JUDGE_OPTIONS, steps: { type: 'string' }, interval: { type: 'string' }, 'max-holds': { type: 'string' }, once: { type: 'boolean' } },
  summary: 'widen a healthy canary step by step, roll a broken one back at once (stateless, restartable)',
  help: `Each interval it judges the canary at the config's revision (as analyze does): pass → the next
step's percentage; fail → rollback (percentage 0), exit 4; inconclusive or srm → hold, and after
--max-holds holds in a row (default 6) exit 5 with the percentage held. Done (the last step, or
100 %): exit 0. Where the rollout stands is read from the config each time, so it can be stopped
and started again, or run with --once from a CI schedule. It starts nothing: ship or set the
first step yourself; at 0 % there is nothing to watch. Each step is a new revision, judged on its
own records. Every write is the usual one (validated, revision bumped, written only over what
was read); a config edited since it was judged stops the controller with exit 2, untouched.
${JUDGE_HELP}

Examples:
  client-canary watch s3://my-bucket/canary-config.json app --metrics http://collector:8787 --steps 5,25,50,100 --interval 10m
  client-canary watch canary-config.json app --prometheus http://prometheus:9090 --steps 10,50,100 --once`,
  async run({ target, args: [feature], values, out }) {
    const { source, options } = judgeSetup(values);
    if (!values.steps) throw new CliError('--steps is required: the percentages to widen through, e.g. --steps 5,25,50,100', EXIT.invalid);
    const steps = values.steps.split(',').map((s) => toPercentage(s.trim(), 'a step'));
    if (!steps.length || steps.some((s, i) => s <= 0 || (i > 0 && s <= steps[i - 1]!))) throw new CliError(`--steps ${values.steps}: expected rising percentages above 0, e.g. 5,25,50,100`, EXIT.invalid);
    const intervalMs = durationMs(values.interval ?? '10m');
    if (!(intervalMs > 0)) throw new CliError(`--interval ${values.interval}: expected a duration such as 30s, 10m or 1h`, EXIT.invalid);
    const maxHolds = values['max-holds'] === undefined ? 6 : Number(values['max-holds']);
    if (!Number.isInteger(maxHolds) || maxHolds < 0) throw new CliError(`--max-holds ${values['max-holds']}: expected a whole number`, EXIT.invalid);
    const last = steps[steps.length - 1]!;
    const name = escapeText(feature!);
    let holds = 0;

    for (;;) {
      const { config, json } = await load(target);
      const spec = Object.prototype.hasOwnProperty.call(config.features, feature!) ? config.features[feature!] : undefined;
      const percentage = spec ? effectivePercentage(spec, Date.now()) : 0;
      const at = `${new Date().toISOString()} ${name} ${escapeText(config.revision || '(no revision)')} at ${percentage} %`;
      if (spec?.enabled === false) {
        out.log(`${at}: killed (enabled: false); nothing to widen`);
        return { exitCode: EXIT.held };
      }
      if (percentage === 0) {
        out.log(`${at}: nothing to watch (not started, or rolled back): start with client-canary set <target> ${name} ${steps[0]}`);
        return { exitCode: EXIT.ok };
      }
      if (spec && percentage >= last) {
        out.log(`${at}: done`);
        return { exitCode: EXIT.ok };
      }
      const { arms, judgement } = await judgeFeature(config, feature!, source, options);
      // A write must be made on the config that was judged, to the byte: anyone's edit since (with
      // or without a new revision) stops the controller.
      const judged = JSON.stringify(json);
      const sameRevision = (doc: Record<string, unknown>) => {
        if (JSON.stringify(doc) !== judged) throw new CliError(`${target.name} changed since it was judged; stopping, nothing written`, EXIT.conflict);
      };
      const line = `${at}: ${countsLine(arms)}: ${judgement.verdict}`;
      if (judgement.verdict === 'fail') {
        out.log(`${line} → rollback (${judgement.reasons[0]})`);
        await edit(target, values, out, (doc) => (sameRevision(doc), rollback(doc, [feature!])));
        return { exitCode: EXIT.failed };
      }
      if (judgement.verdict === 'pass') {
        const next = steps.find((s) => s > percentage)!;
        out.log(`${line} → ${next} %`);
        await edit(target, values, out, (doc) => (sameRevision(doc), setPercentage(doc, feature!, next)));
        holds = 0;
        if (next >= last || values.once) return { exitCode: EXIT.ok };
      } else {
        holds++;
        out.log(`${line}, hold ${holds} of ${maxHolds} (${judgement.reasons[0]})`);
        if (values.once) return { exitCode: EXIT.held };
        if (holds >= maxHolds) {
          out.log(`${at}: held ${holds} times in a row; stopping at ${percentage} %`);
          return { exitCode: EXIT.held };
        }
      }
      await sleep(intervalMs);
    }
  },
});
