import { randomUUID } from 'node:crypto';
import { decide } from '../../decide/decide';
import { effectivePercentage } from '../../decide/ramp';
import { defineCommand } from '../command';
import { load } from '../config-io';
import { featureOf } from '../edit';
import { CliError, EXIT } from '../errors';
import { clock } from '../inputs';
import { quote } from '../output';

/** `simulate <target>`: random users through the real decision, as a histogram. */
export const simulate = defineCommand({
  name: 'simulate',
  usage: '<target> [--users 100000] [--feature F] [--now ISO]',
  target: 'required',
  args: [],
  options: { users: { type: 'string' }, feature: { type: 'string' }, now: { type: 'string' } },
  summary: 'bucket random users: canary share against the percentage, and a histogram',
  help: `Examples:
  client-canary simulate canary-config.json
  client-canary simulate canary-config.json --users 1000000 --feature app`,
  async run({ target, values, out }) {
    const { config } = await load(target);
    const users = values.users === undefined ? 100_000 : Number(values.users);
    if (!Number.isInteger(users) || users < 1 || users > 10_000_000) throw new CliError(`--users: expected a whole number from 1 to 10000000, got ${quote(values.users)}`, EXIT.invalid);
    const names = values.feature ? [values.feature] : Object.keys(config.features);
    const now = clock(values.now);
    for (const name of names) {
      featureOf(config, name);
      const spec = config.features[name]!;
      const bins = new Array<number>(20).fill(0);
      let canary = 0;
      for (let i = 0; i < users; i++) {
        const d = decide(config, name, { userId: randomUUID(), now });
        if (d.variant === 'canary') canary++;
        bins[Math.floor(d.bucket! / 500)]!++;
      }
      const effective = effectivePercentage(spec, now);
      out.log(`${name}: canary ${((canary / users) * 100).toFixed(2)} % of ${users.toLocaleString('en')} simulated users (configured ${spec.percentage ?? 0} %${spec.ramp ? ', ramp' : ''}, now ${effective} %${spec.enabled === false ? ', KILLED' : ''})`);
      const threshold = Math.round(effective * 100);
      const widest = Math.max(...bins);
      bins.forEach((count, i) => {
        const bar = '#'.repeat(Math.round((count / widest) * 40));
        const label = `${i * 500}-${i * 500 + 499}`.padStart(10);
        const part = i * 500 + 499 < threshold ? 'canary' : i * 500 < threshold ? 'part canary' : '';
        out.log(`  ${label} ${bar.padEnd(40)} ${String(count).padStart(7)} ${spec.enabled === false ? '' : part}`.trimEnd());
      });
    }
  },
});
