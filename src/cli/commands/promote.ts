import { defineCommand } from '../command';
import { edit } from '../config-io';
import { promote as promoteEdit } from '../edit';

/** `promote <target> <feature>`: the end of a successful release. */
export const promote = defineCommand({
  name: 'promote',
  usage: '<target> <feature> [--force]',
  target: 'required',
  args: ['feature'],
  writes: true,
  options: { force: { type: 'boolean' } },
  summary: 'the canary variant becomes the stable one, percentage 0',
  help: `The end of a successful release: the next release starts from here. The canary's assets
and flags replace the stable ones (a canary without assets keeps the stable assets). A canary at
0 % or killed is refused: pass --force to promote it anyway.

Example:
  client-canary promote canary-config.json app`,
  async run({ target, args: [feature], values, out }) {
    await edit(target, values, out, (doc) => promoteEdit(doc, feature!, values.force));
  },
});
