import { defineCommand } from '../command';
import { edit } from '../config-io';
import { addFeature, removeFeature } from '../edits/feature';
import { commaList, toPercentage } from '../inputs';

/** `feature add <target> <name>`: a new feature. */
export const featureAdd = defineCommand({
  name: 'feature add',
  usage: '<target> <name> [--stable-assets a,b] [--percentage P]',
  target: 'required',
  args: ['name'],
  writes: true,
  options: { 'stable-assets': { type: 'string' }, percentage: { type: 'string' } },
  summary: 'add a feature, at 0 % unless --percentage, with its stable assets',
  help: `A name the config has is refused (use the other commands to change a feature). Names are
1-64 letters, digits, ".", "_" or "-". Ship its first canary with "ship" afterwards.

Examples:
  client-canary feature add canary-config.json search --stable-assets search/1.0.0/search.js,search/1.0.0/search.css
  client-canary feature add s3://my-bucket/canary-config.json checkout --percentage 0`,
  async run({ target, args: [name], values, out }) {
    const percentage = values.percentage === undefined ? undefined : toPercentage(values.percentage);
    const stableAssets = commaList(values['stable-assets']);
    await edit(target, values, out, (doc) => addFeature(doc, name!, { stableAssets, percentage }));
  },
});

/** `feature remove <target> <name>`: the end of a feature. */
export const featureRemove = defineCommand({
  name: 'feature remove',
  usage: '<target> <name> [--force]',
  target: 'required',
  args: ['name'],
  writes: true,
  options: { force: { type: 'boolean' } },
  summary: 'remove a feature and everything in it',
  help: `A feature that still reaches canary users (above 0 % or with a ramp, while enabled) is refused
unless --force: pages get neither variant's assets for a feature the config lacks. Roll it back
or promote it first.

Example:
  client-canary feature remove canary-config.json search`,
  async run({ target, args: [name], values, out }) {
    await edit(target, values, out, (doc) => removeFeature(doc, name!, values.force));
  },
});
