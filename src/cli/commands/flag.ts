import { defineCommand } from '../command';
import { edit } from '../config-io';
import { flagValue, setFlag, unsetFlag, type Variant } from '../edits/flag';
import { CliError, EXIT } from '../errors';
import { quote } from '../output';

const VARIANTS: readonly string[] = ['stable', 'canary'];

/** `--variant stable|canary`, or `fallback` when absent. */
function variantOf(text: string | undefined, fallback?: Variant): Variant | undefined {
  if (text === undefined) return fallback;
  if (!VARIANTS.includes(text)) throw new CliError(`--variant: expected "stable" or "canary", got ${quote(text)}`, EXIT.invalid);
  return text as Variant;
}

/** `flag set <target> <feature> <name> <value>`. */
export const flagSet = defineCommand({
  name: 'flag set',
  usage: '<target> <feature> <name> <value> [--variant stable|canary] [--string]',
  target: 'required',
  args: ['feature', 'name', 'value'],
  writes: true,
  options: { variant: { type: 'string' }, string: { type: 'boolean' } },
  summary: 'set a flag on a variant of a feature (the canary unless --variant stable)',
  help: `The value is read as JSON would read it: true or false a boolean, a number (12, -0.5, 1e3) a
number, anything else text; --string keeps it text ("true", "007"). A flag belongs to one feature
only: a name another feature declares is refused, with its path.

Examples:
  client-canary flag set canary-config.json app newCheckout true
  client-canary flag set canary-config.json app newCheckout false --variant stable
  client-canary flag set canary-config.json app theme dark
  client-canary flag set canary-config.json app build 2024 --string`,
  async run({ target, args: [feature, name, text], values, out }) {
    const variant = variantOf(values.variant, 'canary')!;
    const value = flagValue(text!, values.string);
    await edit(target, values, out, (doc) => setFlag(doc, feature!, name!, value, variant));
  },
});

/** `flag unset <target> <feature> <name>`. */
export const flagUnset = defineCommand({
  name: 'flag unset',
  usage: '<target> <feature> <name> [--variant stable|canary]',
  target: 'required',
  args: ['feature', 'name'],
  writes: true,
  options: { variant: { type: 'string' } },
  summary: 'remove a flag from both variants of a feature (or from --variant only)',
  help: `A flag the feature does not have is an error that lists the flags it has.

Examples:
  client-canary flag unset canary-config.json app newCheckout
  client-canary flag unset canary-config.json app newCheckout --variant canary`,
  async run({ target, args: [feature, name], values, out }) {
    const variant = variantOf(values.variant);
    await edit(target, values, out, (doc) => unsetFlag(doc, feature!, name!, variant));
  },
});
