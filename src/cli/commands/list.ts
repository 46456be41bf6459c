import { defineCommand } from '../command';
import { edit } from '../config-io';
import { addToList, removeFromList, type ListName } from '../edits/list';

const MEANING: Record<ListName, string> = {
  allow: 'user ids always in the canary while the feature is enabled (QA, staff)',
  deny: 'user ids never in the canary; deny wins over allow',
};

/** `allow add`, `allow remove`, `deny add`, `deny remove`: a feature's user id lists. */
function listCommand(list: ListName, action: 'add' | 'remove') {
  const adding = action === 'add';
  return defineCommand({
    name: `${list} ${action}`,
    usage: '<target> <feature> <user-id>…',
    target: 'required',
    args: ['feature', 'user-id'],
    rest: 'user-id',
    writes: true,
    options: {},
    summary: `${adding ? 'add user ids to' : 'remove user ids from'} a feature's ${list} list`,
    help: `The ${list} list: ${MEANING[list]}. ${adding ? 'Ids the list holds are left as they are' : 'Ids the list lacks are passed over; an emptied list is removed'}, so it is safe to run twice.

Example:
  client-canary ${list} ${action} canary-config.json app ${list === 'allow' ? 'qa-alice qa-bob' : 'vip-carol'}`,
    async run({ target, args: [feature, ...ids], values, out }) {
      await edit(target, values, out, (doc) => (adding ? addToList : removeFromList)(doc, feature!, list, ids));
    },
  });
}

/** `allow add <target> <feature> <user-id>…`. */
export const allowAdd = listCommand('allow', 'add');
/** `allow remove <target> <feature> <user-id>…`. */
export const allowRemove = listCommand('allow', 'remove');
/** `deny add <target> <feature> <user-id>…`. */
export const denyAdd = listCommand('deny', 'add');
/** `deny remove <target> <feature> <user-id>…`. */
export const denyRemove = listCommand('deny', 'remove');
