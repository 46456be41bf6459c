import { defineCommand } from '../command';
import { edit } from '../config-io';
import { ship as shipEdit } from '../edit';
import { CliError, EXIT } from '../errors';
import { toPercentage } from '../inputs';

/** `ship <target> <feature> <asset-url>… [--percentage P]`: a release. */
export const ship = defineCommand({
  name: 'ship',
  usage: '<target> <feature> <asset-url>… [--percentage P]',
  target: 'required',
  args: ['feature'],
  rest: 'asset-url',
  writes: true,
  options: { percentage: { type: 'string' } },
  summary: 'new canary assets for a feature (a release), optionally with its first percentage',
  help: `Relative asset URLs resolve against the config file's URL, so versioned folders beside it work.

Examples:
  client-canary ship canary-config.json app app/1.5.0/app.js app/1.5.0/app.css --percentage 5
  client-canary ship s3://my-bucket/canary-config.json app https://cdn.example.com/app/1.5.0/app.mjs`,
  async run({ target, args: [feature, ...assets], values, out }) {
    if (!assets.length) throw new CliError('name the canary asset URLs; see client-canary ship --help', EXIT.invalid);
    const percentage = values.percentage === undefined ? undefined : toPercentage(values.percentage);
    await edit(target, values, out, (doc) => shipEdit(doc, feature!, assets, percentage));
  },
});
