import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findCommand } from '../../src/cli/commands/index';
import { cli, configFile } from '../helpers/cli';

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('\n## Rolling out and back\n'), readme.indexOf('\n## Hosting the config\n'));

/** Every `client-canary …` line of the section's sh blocks, as argv (double quotes grouped, comments dropped). */
const lines = [...section.matchAll(/```sh\n([^]*?)```/g)]
  .flatMap((block) => block[1]!.split('\n'))
  .map((line) => line.replace(/\s+#.*$/, '').trim())
  .filter((line) => line.startsWith('client-canary '))
  .map((line) => [...line.slice('client-canary '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!));

const config = () => ({
  version: 1,
  revision: 'r1',
  features: {
    app: { percentage: 5, stable: { assets: ['app/1.4.0/app.js'] }, canary: { assets: ['app/1.5.0/app.js'], flags: { newCheckout: true } }, allow: ['qa-bob'] },
    search: { percentage: 0 },
  },
});

describe("the README's runbook", () => {
  it('shows each command it names', () => {
    const shown = new Set(lines.map((argv) => findCommand(argv)?.command.name));
    for (const name of ['ship', 'validate', 'simulate', 'ramp', 'rollback', 'kill', 'promote', 'allow add', 'allow remove', 'deny add', 'flag set', 'flag unset', 'feature add', 'feature remove']) {
      expect(shown, name).toContain(name);
    }
  });

  it.each(lines.map((argv) => [argv.join(' '), argv] as const))('runs "%s" as written, on a local copy', async (_line, argv) => {
    const found = findCommand(argv)!;
    expect(found).toBeDefined();
    const base = config() as { features: Record<string, unknown> };
    // The runbook adds the feature it then removes: the copy has it for the removal only.
    if (found.command.name === 'feature add') delete base.features[argv[found.words + 1]!];
    const path = configFile(base);
    const rest = argv.slice(found.words).map((a) => (a.startsWith('s3://') ? path : a));
    const run = await cli(...argv.slice(0, found.words), ...rest, ...(found.command.writes ? ['--dry-run'] : []));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
