import { hasOwn } from '../../decide/decide';
import { defineCommand } from '../command';
import { edit } from '../config-io';
import { setRamp } from '../edit';
import { CliError, EXIT } from '../errors';
import { clock } from '../inputs';
import { quote } from '../output';
import { parseSteps, PRESETS } from '../ramp-steps';

/** `ramp <target> <feature> (--preset <name> | --steps <list>)`: a time-based rollout. */
export const ramp = defineCommand({
  name: 'ramp',
  usage: '<target> <feature> (--preset <name> | --steps <list>) [--start <ISO|now>]',
  target: 'required',
  args: ['feature'],
  writes: true,
  options: { preset: { type: 'string' }, steps: { type: 'string' }, start: { type: 'string' }, now: { type: 'string' } },
  summary: 'a time-based rollout, CodeDeploy style',
  help: `Presets (CodeDeploy's ECS configurations): ${Object.keys(PRESETS).join(', ')}.
--steps "0m:10,30m:50,2h:100" gives your own; --start defaults to now (--now sets "now").

Examples:
  client-canary ramp canary-config.json app --preset linear-10-every-3m
  client-canary ramp canary-config.json app --steps "0m:5,1h:25,1d:100" --start 2026-11-27T09:00:00Z`,
  async run({ target, args: [feature], values, out }) {
    const { preset } = values;
    if (!preset === !values.steps) throw new CliError('give one of --preset <name> or --steps "0m:10,30m:50,2h:100"', EXIT.invalid);
    const steps = values.steps ? parseSteps(values.steps) : preset && hasOwn(PRESETS, preset) ? PRESETS[preset] : undefined;
    if (!steps) throw new CliError(`unknown preset ${quote(preset)}; presets: ${Object.keys(PRESETS).join(', ')}`, EXIT.invalid);
    const start = !values.start || values.start === 'now' ? new Date(clock(values.now)).toISOString().replace(/\.\d{3}Z$/, 'Z') : values.start;
    await edit(target, values, out, (doc) => setRamp(doc, feature!, steps, start));
  },
});
