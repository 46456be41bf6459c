import { parseArgs } from 'node:util';
import { OPTIONS, type Output } from './args';
import { COMMANDS, TARGET_HELP } from './commands';
import { hasOwn } from '../decide/decide';
import { CliError, EXIT } from './errors';

export type { Output } from './args';

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[], out: Output = { log: (l) => console.log(l), error: (l) => console.error(l) }): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out.log(overview());
    return name ? EXIT.ok : EXIT.invalid;
  }
  const command = hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  let verbose = rest.includes('--verbose') || rest.includes('-v');
  try {
    if (!command) throw new CliError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')} (client-canary --help)`, EXIT.invalid);
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (cause) {
      throw new CliError(`${(cause as Error).message}; see client-canary ${name} --help`, EXIT.invalid);
    }
    verbose = !!parsed.values.verbose;
    const most = command.maxArgs;
    if (most !== undefined && parsed.positionals.length > most) {
      throw new CliError(`${name} takes at most ${most} argument${most === 1 ? '' : 's'}, got "${parsed.positionals.join(' ')}"; see client-canary ${name} --help`, EXIT.invalid);
    }
    if (parsed.values.help) {
      out.log(`client-canary ${command.usage}\n\n${command.summary}.\n${TARGET_HELP}\n\n${command.help}`);
      return EXIT.ok;
    }
    await command.run(parsed.positionals, parsed.values, out);
    return EXIT.ok;
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

function overview(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.split(' ')[0]!.length));
  return [
    'client-canary: roll out, roll back, promote and check a canary-config.json, on a file or on S3.',
    '',
    'Usage: client-canary <command> <target> [options]   (client-canary <command> --help for each)',
    '',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.split(' ')[0]!.padEnd(width)}  ${c.summary}`),
    '',
    TARGET_HELP,
    '',
    'Exit codes: 0 done, 1 invalid input or config, 2 conflict (changed since read), 3 target unreachable.',
  ].join('\n');
}
