import { defineCommand } from '../command';
import { edit } from '../config-io';
import { rollback as rollbackEdit } from '../edit';
import { CliError, EXIT } from '../errors';

/** `rollback <target> [<feature>… | --all]`. */
export const rollback = defineCommand({
  name: 'rollback',
  usage: '<target> [<feature>… | --all]',
  target: 'required',
  args: [],
  rest: 'feature',
  writes: true,
  options: { all: { type: 'boolean' } },
  summary: 'percentage 0 and ramp removed: the fastest safe path back',
  help: `Returning users get stable on their first page load after the SDK's maxAgeMs (60 s by default).

Examples:
  client-canary rollback canary-config.json app
  client-canary rollback s3://my-bucket/canary-config.json --all`,
  async run({ target, args: features, values, out }) {
    if (!values.all && !features.length) throw new CliError('name the features to roll back, or --all', EXIT.invalid);
    if (values.all && features.length) throw new CliError('name the features to roll back, or --all, not both', EXIT.invalid);
    await edit(target, values, out, (doc) => rollbackEdit(doc, values.all ? 'all' : features));
  },
});
