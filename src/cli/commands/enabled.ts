import { defineCommand } from '../command';
import { edit } from '../config-io';
import { setEnabled } from '../edit';

/** `kill` and `revive`: the feature's `enabled` switch. */
function enabledSwitch(name: 'kill' | 'revive', enabled: boolean, summary: string, help: string) {
  return defineCommand({
    name,
    usage: '<target> <feature>',
    target: 'required',
    args: ['feature'],
    writes: true,
    options: {},
    summary,
    help: `${help}\n\nExample:\n  client-canary ${name} canary-config.json app`,
    async run({ target, args: [feature], values, out }) {
      await edit(target, values, out, (doc) => setEnabled(doc, feature!, enabled));
    },
  });
}

/** `kill <target> <feature>`: the kill switch. */
export const kill = enabledSwitch('kill', false, 'the kill switch: enabled false, everyone stable', 'Everyone gets stable, whatever the percentage, ramp or allow list; revive undoes it.');

/** `revive <target> <feature>`: undoes kill. */
export const revive = enabledSwitch('revive', true, 'undo kill: enabled again', 'The percentage, ramp and lists apply again as they were.');
