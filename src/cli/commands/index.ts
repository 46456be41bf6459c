import type { Command } from '../command';
import { analyze } from './analyze';
import { collect } from './collect';
import { watch } from './watch';
import { decide } from './decide';
import { kill, revive } from './enabled';
import { featureAdd, featureRemove } from './feature';
import { flagSet, flagUnset } from './flag';
import { init } from './init';
import { allowAdd, allowRemove, denyAdd, denyRemove } from './list';
import { promote } from './promote';
import { ramp } from './ramp';
import { rollback } from './rollback';
import { schema } from './schema';
import { set } from './set';
import { ship } from './ship';
import { simulate } from './simulate';
import { status } from './status';
import { validate } from './validate';

/** Every command, in the order the overview lists them: the runbook's, then the team's edits, then tools. */
export const COMMANDS: readonly Command[] = [
  validate,
  status,
  set,
  rollback,
  ship,
  promote,
  ramp,
  kill,
  revive,
  featureAdd,
  featureRemove,
  flagSet,
  flagUnset,
  allowAdd,
  allowRemove,
  denyAdd,
  denyRemove,
  simulate,
  decide,
  schema,
  init,
  collect,
  analyze,
  watch,
];

/**
 * The command that `argv` starts with, and how many words named it: `set …` is one word,
 * `flag set …` two. A group's name alone (`flag`) finds no command.
 */
export function findCommand(argv: readonly string[]): { command: Command; words: number } | undefined {
  const [first, second] = argv;
  const one = COMMANDS.find((c) => c.name === first);
  if (one) return { command: one, words: 1 };
  const two = COMMANDS.find((c) => c.name === `${first} ${second}`);
  return two && { command: two, words: 2 };
}

/** The commands of a group (`flag` → `flag set`, `flag unset`); none when `name` is no group. */
export function groupOf(name: string | undefined): Command[] {
  return COMMANDS.filter((c) => c.name.startsWith(`${name} `));
}
