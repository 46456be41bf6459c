import { readFile } from 'node:fs/promises';
import { decide as decideFor } from '../../decide/decide';
import { defineCommand } from '../command';
import { load } from '../config-io';
import { CliError, EXIT } from '../errors';
import { clock } from '../inputs';
import { quote } from '../output';

/** `decide <target> --feature F --user U`: the browser's decision, from the command line. */
export const decide = defineCommand({
  name: 'decide',
  usage: '<target> --feature F --user U [--user U2…] [--users-file F] [--attr k=v…] [--now ISO]',
  target: 'required',
  args: [],
  options: {
    feature: { type: 'string' },
    user: { type: 'string', multiple: true },
    'users-file': { type: 'string' },
    attr: { type: 'string', multiple: true },
    now: { type: 'string' },
  },
  summary: "the decision as JSON, the same as the browser's for the same config, user and time",
  help: `One --user gives one JSON object; several (or --users-file, one id a line) a JSON array.

Examples:
  client-canary decide canary-config.json --feature app --user user-42
  client-canary decide canary-config.json --feature app --user u1 --attr country=NZ --now 2026-11-26T12:00:00Z`,
  async run({ target, values, out }) {
    const { config } = await load(target);
    const feature = values.feature;
    if (!feature) throw new CliError('give --feature <name>', EXIT.invalid);
    const users = [...(values.user ?? [])];
    const file = values['users-file'];
    if (file) {
      const text = await readFile(file, 'utf8').catch((cause: NodeJS.ErrnoException) => {
        throw new CliError(`--users-file: cannot read ${file}: ${cause.code === 'ENOENT' ? 'no such file' : cause.message}`, EXIT.invalid);
      });
      users.push(...text.split(/\r?\n/).filter(Boolean));
    }
    if (!users.length) throw new CliError('give --user <id> (or --users-file)', EXIT.invalid);
    const attributes = Object.fromEntries(
      (values.attr ?? []).map((pair) => {
        const at = pair.indexOf('=');
        if (at < 1) throw new CliError(`--attr: ${quote(pair)} is not key=value`, EXIT.invalid);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
    );
    const now = clock(values.now);
    const decisions = users.map((userId) => decideFor(config, feature, { userId, attributes, now }));
    out.log(JSON.stringify(decisions.length === 1 && !file ? decisions[0] : decisions, null, 2));
  },
});
