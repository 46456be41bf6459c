import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { usageLine } from '../../src/cli/command';
import { COMMANDS } from '../../src/cli/commands/index';
import { cli, configFile } from '../helpers/cli';

const config = () => ({ version: 1, revision: 'r1', features: { app: { percentage: 5, canary: { assets: ['app/1.1.0/app.js'] } } } });

/** argv for a command name: `flag set` is two words. */
const words = (name: string) => name.split(' ');

describe('each command takes its own options only', () => {
  it.each([
    ['set', ['app', '5', '--preset', 'nope'], '--preset'],
    ['status', ['--dry-run'], '--dry-run'],
    ['validate', ['--force'], '--force'],
    ['kill', ['app', '--all'], '--all'],
    ['promote', ['app', '--percentage', '5'], '--percentage'],
    ['decide', ['--json'], '--json'],
    ['flag set', ['app', 'x', '1', '--all'], '--all'],
  ])('refuses %s with an option it does not take (%j), printing its usage line', async (name, rest, option) => {
    const path = configFile(config());
    const before = readFileSync(path);
    const run = await cli(...words(name), path, ...rest);
    expect(run.code).toBe(1);
    const command = COMMANDS.find((c) => c.name === name)!;
    expect(run.stderr).toBe(`client-canary: Unknown option '${option}': ${name} does not take it\nusage: ${usageLine(command)}`);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('takes --dry-run and --max-age on every writing command, and on no reading one', () => {
    for (const command of COMMANDS) {
      const line = usageLine(command);
      expect(line.includes('[--dry-run] [--max-age S]'), command.name).toBe(!!command.writes);
    }
  });

  it('takes --verbose and -h on every command', async () => {
    for (const command of COMMANDS) {
      const run = await cli(...words(command.name), '-h', '--verbose');
      expect(run.code, command.name).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe(usageLine(command));
    }
  });

  it('names a missing argument, with the usage line', async () => {
    const run = await cli('set', configFile(config()), 'app');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('client-canary: missing <percentage>\nusage: client-canary set <target> <feature> <percentage> [--dry-run] [--max-age S]');
    expect((await cli('status')).stderr).toMatch(/^client-canary: missing <target>\n/);
  });
});

describe('command groups', () => {
  it('lists a group\'s commands on --help, and asks for one without it', async () => {
    const help = await cli('flag', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}flag set {4}set a flag/m);
    expect(help.stdout).toMatch(/^ {2}flag unset {2}remove a flag/m);
    const bare = await cli('allow');
    expect(bare.code).toBe(1);
    expect(bare.stderr).toBe('client-canary: allow needs one of: allow add, allow remove (client-canary allow --help)');
    const unknown = await cli('deny', 'clear', configFile(config()));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('client-canary: unknown command "deny clear"; deny commands: deny add, deny remove');
  });

  it('gives every command help with its usage line and an example, and the overview names them all', async () => {
    const overview = (await cli('--help')).stdout;
    for (const command of COMMANDS) {
      const run = await cli(...words(command.name), '--help');
      expect(run.code, command.name).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^client-canary ${command.name}(\n| )`));
      expect(run.stdout).toMatch(new RegExp(`Examples?:\\n {2}client-canary ${command.name} `));
      expect(overview).toMatch(new RegExp(`^ {2}${command.name} +\\S`, 'm'));
    }
  });
});
