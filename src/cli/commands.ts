import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { toJsonSchema } from '../config/schema';
import { decide, hasOwn } from '../decide/decide';
import { effectivePercentage } from '../decide/ramp';
import type { Command, Values } from './args';
import { load, edit } from './config-io';
import { featureOf, promote, rollback, setEnabled, setPercentage, setRamp, ship } from './edit';
import { CliError, EXIT } from './errors';
import { parseSteps, PRESETS } from './ramp-steps';
import { openTarget } from './target';

export const TARGET_HELP = `<target> is a local path, an http(s):// URL (read-only) or s3://bucket/key (the AWS
credential chain; AWS_ENDPOINT_URL for another S3-compatible endpoint).`;

const WRITE_HELP = `Writes validate the result first and never write an invalid config; they print each change
(before → after), bump "revision" (releasing devices the guard pinned), and write atomically
(a local file: temporary file + rename; S3: If-Match on the ETag that was read, with
Content-Type application/json and Cache-Control max-age=--max-age, default 60).
  --dry-run     print the changes, write nothing
  --max-age S   Cache-Control max-age of an S3 object, in seconds (default 60)`;

/** Every command, by name. */
export const COMMANDS: Record<string, Command> = {
  validate: {
    maxArgs: 1,
    usage: 'validate <target>',
    summary: 'check a config; every error with its path',
    help: `Exit 0 when valid; otherwise every error with its path, exit 1.

Examples:
  client-canary validate canary-config.json
  client-canary validate https://my-bucket.s3.amazonaws.com/canary-config.json`,
    async run([target], _values, out) {
      const { config } = await load(openTarget(need(target, 'target')));
      out.log(`valid: ${Object.keys(config.features).length} feature(s), revision ${config.revision ?? '(none)'}`);
    },
  },
  status: {
    maxArgs: 1,
    usage: 'status <target> [--json]',
    summary: 'a table of every feature: switches, percentages (ramp now), salt, lists, assets, flags',
    help: `Examples:
  client-canary status canary-config.json
  client-canary status s3://my-bucket/canary-config.json --json`,
    async run([target], values, out) {
      const { config } = await load(openTarget(need(target, 'target')));
      const now = clock(values);
      const rows = Object.entries(config.features).map(([name, f]) => ({
        feature: name,
        enabled: f.enabled !== false,
        percentage: f.percentage ?? 0,
        effectivePercentage: effectivePercentage(f, now),
        ramp: f.ramp ? f.ramp.steps.map((s) => `${s.after}:${s.percentage}`).join(',') + ` from ${f.ramp.start}` : null,
        salt: f.salt ?? name,
        allow: f.allow?.length ?? 0,
        deny: f.deny?.length ?? 0,
        stableAssets: (f.stable?.assets ?? []).map(assetUrl),
        canaryAssets: (f.canary?.assets ?? []).map(assetUrl),
        flags: { stable: f.stable?.flags ?? {}, canary: f.canary?.flags ?? {} },
      }));
      if (values.json) return out.log(JSON.stringify({ revision: config.revision ?? null, now: new Date(now).toISOString(), features: rows }, null, 2));
      out.log(`revision ${config.revision ?? '(none)'}, at ${new Date(now).toISOString()}`);
      out.log(
        table(
          ['feature', 'enabled', '%', 'now %', 'salt', 'allow', 'deny', 'stable assets', 'canary assets', 'flags (stable / canary)'],
          rows.map((r) => [
            r.feature,
            r.enabled ? 'yes' : 'KILLED',
            r.ramp ? 'ramp' : String(r.percentage),
            String(r.effectivePercentage),
            r.salt,
            String(r.allow),
            String(r.deny),
            r.stableAssets.join(' ') || '-',
            r.canaryAssets.join(' ') || '-',
            `${JSON.stringify(r.flags.stable)} / ${JSON.stringify(r.flags.canary)}`,
          ]),
        ),
      );
      for (const r of rows) if (r.ramp) out.log(`${r.feature} ramp: ${r.ramp}`);
    },
  },
  set: {
    maxArgs: 3,
    usage: 'set <target> <feature> <percentage>',
    summary: 'set a percentage (removes a ramp, and says so)',
    help: `${WRITE_HELP}

Examples:
  client-canary set canary-config.json app 5
  client-canary set s3://my-bucket/canary-config.json app 25 --dry-run`,
    async run([target, feature, percentage], values, out) {
      const value = toPercentage(need(percentage, 'percentage'));
      await edit(openTarget(need(target, 'target')), values, out, (doc) => setPercentage(doc, need(feature, 'feature'), value));
    },
  },
  rollback: {
    usage: 'rollback <target> [<feature>… | --all]',
    summary: 'percentage 0 and ramp removed: the fastest safe path back',
    help: `Returning users get stable on their first page load after the SDK's maxAgeMs (60 s by default).
${WRITE_HELP}

Examples:
  client-canary rollback canary-config.json app
  client-canary rollback s3://my-bucket/canary-config.json --all`,
    async run([target, ...features], values, out) {
      if (!values.all && !features.length) throw new CliError('name the features to roll back, or --all', EXIT.invalid);
      await edit(openTarget(need(target, 'target')), values, out, (doc) => rollback(doc, values.all ? 'all' : features));
    },
  },
  ship: {
    usage: 'ship <target> <feature> <asset-url>… [--percentage P]',
    summary: 'new canary assets for a feature (a release), optionally with its first percentage',
    help: `Relative asset URLs resolve against the config file's URL, so versioned folders beside it work.
${WRITE_HELP}

Examples:
  client-canary ship canary-config.json app app/1.5.0/app.js app/1.5.0/app.css --percentage 5
  client-canary ship s3://my-bucket/canary-config.json app https://cdn.example.com/app/1.5.0/app.mjs`,
    async run([target, feature, ...assets], values, out) {
      if (!assets.length) throw new CliError('name the canary asset URLs; see client-canary ship --help', EXIT.invalid);
      const percentage = values.percentage === undefined ? undefined : toPercentage(values.percentage);
      await edit(openTarget(need(target, 'target')), values, out, (doc) => ship(doc, need(feature, 'feature'), assets, percentage));
    },
  },
  promote: {
    maxArgs: 2,
    usage: 'promote <target> <feature>',
    summary: 'the canary variant becomes the stable one, percentage 0',
    help: `The end of a successful release: the next release starts from here. The canary's assets
and flags replace the stable ones (a canary without assets keeps the stable assets). A canary at
0 % or killed is refused: pass --force to promote it anyway.
${WRITE_HELP}

Example:
  client-canary promote canary-config.json app`,
    async run([target, feature], values, out) {
      await edit(openTarget(need(target, 'target')), values, out, (doc) => promote(doc, need(feature, 'feature'), values.force));
    },
  },
  ramp: {
    maxArgs: 2,
    usage: 'ramp <target> <feature> (--preset <name> | --steps <list>) [--start <ISO|now>]',
    summary: 'a time-based rollout, CodeDeploy style',
    help: `Presets (CodeDeploy's ECS configurations): ${Object.keys(PRESETS).join(', ')}.
--steps "0m:10,30m:50,2h:100" gives your own; --start defaults to now.
${WRITE_HELP}

Examples:
  client-canary ramp canary-config.json app --preset linear-10-every-3m
  client-canary ramp canary-config.json app --steps "0m:5,1h:25,1d:100" --start 2026-11-27T09:00:00Z`,
    async run([target, feature], values, out) {
      if (!values.preset === !values.steps) throw new CliError('give one of --preset <name> or --steps "0m:10,30m:50,2h:100"', EXIT.invalid);
      const steps = values.steps ? parseSteps(values.steps) : hasOwn(PRESETS, values.preset!) ? PRESETS[values.preset!] : undefined;
      if (!steps) throw new CliError(`unknown preset "${values.preset}"; presets: ${Object.keys(PRESETS).join(', ')}`, EXIT.invalid);
      const start = !values.start || values.start === 'now' ? new Date(clock(values)).toISOString().replace(/\.\d{3}Z$/, 'Z') : values.start;
      await edit(openTarget(need(target, 'target')), values, out, (doc) => setRamp(doc, need(feature, 'feature'), steps, start));
    },
  },
  kill: enabledSwitch('kill', false, 'the kill switch: enabled false, everyone stable'),
  revive: enabledSwitch('revive', true, 'undo kill: enabled again'),
  simulate: {
    maxArgs: 1,
    usage: 'simulate <target> [--users 100000] [--feature F]',
    summary: 'bucket random users: canary share against the percentage, and a histogram',
    help: `Examples:
  client-canary simulate canary-config.json
  client-canary simulate canary-config.json --users 1000000 --feature app`,
    async run([target], values, out) {
      const { config } = await load(openTarget(need(target, 'target')));
      const users = values.users === undefined ? 100_000 : Number(values.users);
      if (!Number.isInteger(users) || users < 1 || users > 10_000_000) throw new CliError(`--users: expected a whole number from 1 to 10000000, got "${values.users}"`, EXIT.invalid);
      const names = values.feature ? [values.feature] : Object.keys(config.features);
      const now = clock(values);
      for (const name of names) {
        featureOf(config, name);
        const spec = config.features[name]!;
        const bins = new Array<number>(20).fill(0);
        let canary = 0;
        for (let i = 0; i < users; i++) {
          const d = decide(config, name, { userId: randomUUID(), now });
          if (d.variant === 'canary') canary++;
          bins[Math.floor(d.bucket! / 500)]!++;
        }
        const effective = effectivePercentage(spec, now);
        out.log(`${name}: canary ${((canary / users) * 100).toFixed(2)} % of ${users.toLocaleString('en')} simulated users (configured ${spec.percentage ?? 0} %${spec.ramp ? ', ramp' : ''}, now ${effective} %${spec.enabled === false ? ', KILLED' : ''})`);
        const threshold = Math.round(effective * 100);
        const widest = Math.max(...bins);
        bins.forEach((count, i) => {
          const bar = '#'.repeat(Math.round((count / widest) * 40));
          const label = `${i * 500}-${i * 500 + 499}`.padStart(10);
          const part = i * 500 + 499 < threshold ? 'canary' : i * 500 < threshold ? 'part canary' : '';
          out.log(`  ${label} ${bar.padEnd(40)} ${String(count).padStart(7)} ${spec.enabled === false ? '' : part}`.trimEnd());
        });
      }
    },
  },
  decide: {
    maxArgs: 1,
    usage: 'decide <target> --feature F --user U [--user U2…] [--users-file F] [--attr k=v…] [--now ISO]',
    summary: 'the decision as JSON, the same as the browser\'s for the same config, user and time',
    help: `One --user gives one JSON object; several (or --users-file, one id a line) a JSON array.

Examples:
  client-canary decide canary-config.json --feature app --user user-42
  client-canary decide canary-config.json --feature app --user u1 --attr country=NZ --now 2026-11-26T12:00:00Z`,
    async run([target], values, out) {
      const { config } = await load(openTarget(need(target, 'target')));
      const feature = need(values.feature, '--feature');
      const users = [...(values.user ?? [])];
      if (values['users-file']) {
        const file = values['users-file'];
        const text = await readFile(file, 'utf8').catch((cause: NodeJS.ErrnoException) => {
          throw new CliError(`--users-file: cannot read ${file}: ${cause.code === 'ENOENT' ? 'no such file' : cause.message}`, EXIT.invalid);
        });
        users.push(...text.split(/\r?\n/).filter(Boolean));
      }
      if (!users.length) throw new CliError('give --user <id> (or --users-file)', EXIT.invalid);
      const attributes = Object.fromEntries(
        (values.attr ?? []).map((pair) => {
          const at = pair.indexOf('=');
          if (at < 1) throw new CliError(`--attr: "${pair}" is not key=value`, EXIT.invalid);
          return [pair.slice(0, at), pair.slice(at + 1)];
        }),
      );
      const now = clock(values);
      const decisions = users.map((userId) => decide(config, feature, { userId, attributes, now }));
      out.log(JSON.stringify(decisions.length === 1 && !values['users-file'] ? decisions[0] : decisions, null, 2));
    },
  },
  schema: {
    maxArgs: 0,
    usage: 'schema',
    summary: 'print the JSON Schema of the config',
    help: `Example:
  client-canary schema > canary-config.schema.json`,
    async run(_args, _values, out) {
      out.log(JSON.stringify(toJsonSchema(), null, 2));
    },
  },
  init: {
    maxArgs: 1,
    usage: 'init [<path>] [--force]',
    summary: 'write a starter config that validates (default ./canary-config.json)',
    help: `Refuses to overwrite an existing file unless --force; --dry-run prints it instead.

Example:
  client-canary init public/canary-config.json`,
    async run([path = 'canary-config.json'], values, out) {
      const text = `${JSON.stringify(starter(new Date(clock(values))), null, 2)}\n`;
      if (values['dry-run']) return out.log(`${text}dry run: ${path} not written`);
      // A starter over a live object would be a rollout nobody asked for: local files only.
      if (/^(s3|https?):\/\//i.test(path)) throw new CliError(`init writes a local file; upload it yourself, then manage ${path} with the other commands`, EXIT.invalid);
      if (!values.force && (await stat(path).catch(() => undefined))) throw new CliError(`${path} exists; pass --force to overwrite it`, EXIT.invalid);
      await openTarget(path).write(text, { text: '' }, { maxAgeSeconds: 60 });
      out.log(`wrote ${path}: feature "app" at 0 %; edit its assets, then "client-canary set ${path} app 5"`);
    },
  },
};

/** `kill` and `revive`: the feature's `enabled` switch. */
function enabledSwitch(name: string, enabled: boolean, summary: string): Command {
  return {
    maxArgs: 2,
    usage: `${name} <target> <feature>`,
    summary,
    help: `${WRITE_HELP}\n\nExample:\n  client-canary ${name} canary-config.json app`,
    async run([target, feature], values, out) {
      await edit(openTarget(need(target, 'target')), values, out, (doc) => setEnabled(doc, need(feature, 'feature'), enabled));
    },
  };
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new CliError(`missing ${what}; see --help`, EXIT.invalid);
  return value;
}

function toPercentage(text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text)) throw new CliError(`"${text}" is not a percentage; write a number from 0 to 100, e.g. 5 or 12.5`, EXIT.invalid);
  return value;
}

function clock(values: Values): number {
  if (values.now === undefined) return Date.now();
  const now = Date.parse(values.now);
  if (Number.isNaN(now)) throw new CliError(`--now: "${values.now}" is not an ISO date-time`, EXIT.invalid);
  return now;
}

function assetUrl(asset: string | { url: string }): string {
  return typeof asset === 'string' ? asset : asset.url;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

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
