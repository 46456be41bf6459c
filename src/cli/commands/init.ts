import { stat } from 'node:fs/promises';
import { defineCommand } from '../command';
import { CliError, EXIT } from '../errors';
import { clock } from '../inputs';

/** `init [<path>]`: a starter config. */
export const init = defineCommand({
  name: 'init',
  usage: '[<path>] [--force] [--dry-run]',
  target: { default: 'canary-config.json' },
  args: [],
  options: { force: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, now: { type: 'string' } },
  summary: 'write a starter config that validates (default ./canary-config.json)',
  help: `Refuses to overwrite an existing file unless --force, also one that another process creates
while init runs (exit 2); --dry-run prints it instead.

Example:
  client-canary init public/canary-config.json`,
  async run({ target, values, out }) {
    const path = target.name;
    const text = `${JSON.stringify(starter(new Date(clock(values.now))), null, 2)}\n`;
    if (values['dry-run']) return out.log(`${text}dry run: ${path} not written`);
    // A starter over a live object would be a rollout nobody asked for: local files only.
    if (/^(s3|https?):\/\//i.test(path)) throw new CliError(`init writes a local file; upload it yourself, then manage ${path} with the other commands`, EXIT.invalid);
    if (!values.force && (await stat(path).catch(() => undefined))) throw new CliError(`${path} exists; pass --force to overwrite it`, EXIT.invalid);
    // The check above is for the message; `absent` makes the write itself refuse a file that
    // appeared since (under the file's lock), so init never replaces someone's config unasked.
    await target.write(text, values.force ? { text: '' } : { text: '', absent: true }, { maxAgeSeconds: 60 });
    out.log(`wrote ${path}: feature "app" at 0 %; edit its assets, then "client-canary set ${path} app 5"`);
  },
});

function starter(now: Date): Record<string, unknown> {
  return {
    $schema: 'https://unpkg.com/client-canary/dist/canary-config.schema.json',
    version: 1,
    revision: `${now.toISOString().slice(0, 10)}.1`,
    features: {
      app: {
        percentage: 0,
        stable: { assets: ['app/1.0.0/app.js', 'app/1.0.0/app.css'] },
        canary: { assets: ['app/1.1.0/app.js', 'app/1.1.0/app.css'] },
      },
    },
  };
}
