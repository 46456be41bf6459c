import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, TARGET_HELP, usageLine, WRITE_HELP, WRITE_OPTIONS, type Command, type Context } from './command';
import { COMMANDS, findCommand, groupOf } from './commands/index';
import { CliError, EXIT } from './errors';
import { escapingOutput, quote, type Output } from './output';
import { openTarget, type Target } from './target';

export type { Output } from './output';
// For programs that run a collector themselves (the demo): what `client-canary collect` runs.
export { startCollector } from '../collector/server';

const EXIT_CODES = 'Exit codes: 0 done (or pass), 1 invalid input or config, 2 conflict (changed since read), 3 target or metrics unreachable, 4 canary failed (rolled back by watch), 5 inconclusive or held.';

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[], output: Output = { log: (l) => console.log(l), error: (l) => console.error(l) }): Promise<number> {
  const out = escapingOutput(output);
  const [name, next] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out.log(overview());
    return name ? EXIT.ok : EXIT.invalid;
  }
  let verbose = argv.includes('--verbose') || argv.includes('-v');
  try {
    const found = findCommand(argv);
    if (!found) {
      const group = groupOf(name);
      if (!group.length) throw new CliError(`unknown command ${quote(name)}; commands: ${names(COMMANDS)} (client-canary --help)`, EXIT.invalid);
      if (next === '--help' || next === '-h') {
        out.log(list(group));
        return EXIT.ok;
      }
      if (next === undefined) throw new CliError(`${name} needs one of: ${names(group)} (client-canary ${name} --help)`, EXIT.invalid);
      throw new CliError(`unknown command ${quote(`${name} ${next}`)}; ${name} commands: ${names(group)}`, EXIT.invalid);
    }
    const { command, words } = found;
    const { values, positionals } = parse(command, argv.slice(words));
    verbose = !!values.verbose;
    if (values.help) {
      out.log(`${usageLine(command)}\n\n${command.summary}.\n${command.target === 'none' ? '' : `${TARGET_HELP}\n`}\n${command.help}${command.writes ? `\n\n${WRITE_HELP}` : ''}`);
      return EXIT.ok;
    }
    const [spec, args] = split(command, positionals);
    // Opened once, here: a command reads and writes the target it was given, nothing else.
    const target = spec === undefined ? NO_TARGET : openTarget(spec);
    const result = await command.run({ target, args, values, out } as Context<typeof command.options>);
    return result?.exitCode ?? EXIT.ok;
  } catch (error) {
    if (error instanceof CliError) {
      out.error(`client-canary: ${error.message}`);
      if (error.details) out.error(error.details);
      if (verbose && error.cause) out.error(String((error.cause as Error).stack ?? error.cause));
      return error.exitCode;
    }
    // Not a user's mistake: a bug of ours, reported with its stack.
    out.error(`client-canary: unexpected error: ${(error as Error).stack ?? String(error)}`);
    return EXIT.invalid;
  }
}

/** The command's own options, the common ones, and a writing command's; any other is refused. */
function parse(command: Command, args: string[]) {
  try {
    return parseArgs({ args, options: { ...COMMON_OPTIONS, ...(command.writes ? WRITE_OPTIONS : {}), ...command.options }, allowPositionals: true, strict: true });
  } catch (cause) {
    // Node's message goes on to explain "--" for positionals that start with "-": the first
    // sentence is the one that matters, and the usage line says what the command takes.
    const first = (cause as Error).message.split(/\.\s/)[0]!;
    const reason = (cause as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? `${first}: ${command.name} does not take it` : first;
    throw new CliError(reason, EXIT.invalid, `usage: ${usageLine(command)}`, { cause });
  }
}

/** The target (absent for a command without one) and the arguments after it, counted. */
function split(command: Command, positionals: string[]): [string | undefined, string[]] {
  const usage = `usage: ${usageLine(command)}`;
  const hasTarget = command.target !== 'none';
  const most = command.rest ? Infinity : command.args.length + (hasTarget ? 1 : 0);
  if (positionals.length > most) {
    throw new CliError(`${command.name} takes at most ${most} argument${most === 1 ? '' : 's'}, got ${quote(positionals.join(' '))}`, EXIT.invalid, usage);
  }
  if (command.target === 'none') return [undefined, positionals];
  const [spec, ...args] = positionals;
  if (spec === undefined && command.target === 'required') throw new CliError('missing <target>', EXIT.invalid, usage);
  const missing = command.args.slice(args.length);
  if (missing.length) throw new CliError(`missing ${missing.map((a) => `<${a}>`).join(' ')}`, EXIT.invalid, usage);
  return [spec ?? (command.target as { default: string }).default, args];
}

/** What a command without a target gets: never read, never written. */
const NO_TARGET: Target = {
  name: '(no target)',
  read: () => Promise.reject(new Error('this command has no target')),
  write: () => Promise.reject(new Error('this command has no target')),
};

const names = (commands: readonly Command[]) => commands.map((c) => c.name).join(', ');

function list(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
}

function overview(): string {
  return [
    'client-canary: roll out, roll back, promote and check a canary-config.json, on a file or on S3.',
    '',
    'Usage: client-canary <command> <target> [options]   (client-canary <command> --help for each)',
    '',
    list(COMMANDS),
    '',
    TARGET_HELP,
    '',
    EXIT_CODES,
  ].join('\n');
}
