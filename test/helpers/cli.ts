import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, capturing what it prints. */
export async function cli(...argv: string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { log: (line) => stdout.push(line), error: (line) => stderr.push(line) });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

/** A config file in a fresh temporary folder; returns its path. */
export function configFile(config: unknown, text = `${JSON.stringify(config, null, 2)}\n`): string {
  const path = join(mkdtempSync(join(tmpdir(), 'client-canary-')), 'canary-config.json');
  writeFileSync(path, text);
  return path;
}

export const readJson = (path: string): Record<string, any> => JSON.parse(readFileSync(path, 'utf8'));
