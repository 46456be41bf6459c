import { defineCommand } from '../command';
import { edit } from '../config-io';
import { setPercentage } from '../edit';
import { toPercentage } from '../inputs';

/** `set <target> <feature> <percentage>`. */
export const set = defineCommand({
  name: 'set',
  usage: '<target> <feature> <percentage>',
  target: 'required',
  args: ['feature', 'percentage'],
  writes: true,
  options: {},
  summary: 'set a percentage (removes a ramp, and says so)',
  help: `Examples:
  client-canary set canary-config.json app 5
  client-canary set s3://my-bucket/canary-config.json app 25 --dry-run`,
  async run({ target, args: [feature, percentage], values, out }) {
    const value = toPercentage(percentage!);
    await edit(target, values, out, (doc) => setPercentage(doc, feature!, value));
  },
});
