import type { parseArgs, ParseArgsConfig } from 'node:util';
import type { Output } from './output';
import type { Target } from './target';

/** Options as node:util parseArgs takes them. */
export type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  verbose: { type: 'boolean', short: 'v' },
} as const satisfies Options;

/** The options every command that writes the config takes. */
export const WRITE_OPTIONS = {
  'dry-run': { type: 'boolean' },
  'max-age': { type: 'string' },
} as const satisfies Options;

/** What --help says of the options in WRITE_OPTIONS, and of how every write goes. */
export const WRITE_HELP = `Writes validate the result first and never write an invalid config (nor one over the 256 KiB
that browsers accept); they print each change (before → after), bump "revision" (releasing
devices the guard pinned), and write atomically and only over what was read (a local file: under
a lock, temporary file + rename; S3: If-Match on the ETag that was read, with Content-Type
application/json and Cache-Control max-age=--max-age, default 60). A concurrent edit: exit 2.
  --dry-run     print the changes, write nothing
  --max-age S   Cache-Control max-age of an S3 object, in seconds (default 60)`;

/** What --help says of <target>. */
export const TARGET_HELP = `<target> is a local path, an http(s):// URL (read-only) or s3://bucket/key (the AWS
credential chain; AWS_ENDPOINT_URL for another S3-compatible endpoint).`;

/** The parsed options of a command that declares `O`. */
export type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O & typeof COMMON_OPTIONS & typeof WRITE_OPTIONS; allowPositionals: true; strict: true }>
>['values'];

/** What a command runs with. */
export interface Context<O extends Options> {
  /** The target, opened once by main (a command without one gets a target that cannot be read). */
  target: Target;
  /** The positional arguments after the target. */
  args: string[];
  values: Values<O>;
  out: Output;
}

/** One command of the CLI: its usage and help, its own options, and what it does. */
export interface Command<O extends Options = Options> {
  /** As typed: `set`, or `flag set` for a command of a group. */
  name: string;
  /** The arguments after the name, as the usage line shows them: `<target> <feature> <percentage>`. */
  usage: string;
  summary: string;
  /** The rest of --help: details and examples. */
  help: string;
  /** Its own options; COMMON_OPTIONS come with every command, WRITE_OPTIONS with `writes`. */
  options: O;
  /** Changes the config: takes --dry-run and --max-age. */
  writes?: boolean;
  /**
   * The first positional argument: a target that must be given, the path used when none is
   * given (init), or no target (schema).
   */
  target: 'required' | { default: string } | 'none';
  /** Names of the positional arguments after the target, each required. */
  args: string[];
  /** The name of any number of further arguments (rollback's features, ship's assets). */
  rest?: string;
  /** What it does; `{ exitCode }` for a command whose result is a verdict (analyze, watch), otherwise 0. */
  run(context: Context<O>): Promise<void | { exitCode: number }>;
}

/** A command, typed by its own options. */
export function defineCommand<const O extends Options>(command: Command<O>): Command<O> {
  return command;
}

/** The usage line of a command: `client-canary set <target> <feature> <percentage>`. */
export function usageLine(command: Command): string {
  const write = command.writes ? ' [--dry-run] [--max-age S]' : '';
  return `client-canary ${command.name} ${command.usage}${write}`.replace(/\s+$/, '');
}
