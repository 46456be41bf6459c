import type { parseArgs } from 'node:util';

/** The options every command accepts (each command reads the ones it needs). */
export const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  verbose: { type: 'boolean', short: 'v' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  'max-age': { type: 'string' },
  all: { type: 'boolean' },
  preset: { type: 'string' },
  start: { type: 'string' },
  steps: { type: 'string' },
  users: { type: 'string' },
  feature: { type: 'string' },
  user: { type: 'string', multiple: true },
  'users-file': { type: 'string' },
  attr: { type: 'string', multiple: true },
  now: { type: 'string' },
  force: { type: 'boolean' },
  percentage: { type: 'string' },
} as const;

/** The parsed options of one run. */
export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** One command of the CLI: its help, and what it does with its arguments and options. */
export interface Command {
  usage: string;
  /** The most positional arguments it takes; absent for any number (rollback's features). */
  maxArgs?: number;
  summary: string;
  help: string;
  run(args: string[], values: Values, out: Output): Promise<void>;
}

/** Where the CLI writes; the tests capture it. */
export interface Output {
  log(line: string): void;
  error(line: string): void;
}

