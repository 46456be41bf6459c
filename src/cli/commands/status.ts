import type { Asset } from '../../config/schema';
import { effectivePercentage } from '../../decide/ramp';
import { defineCommand } from '../command';
import { load } from '../config-io';
import { clock } from '../inputs';
import { escapeText } from '../output';
import { table } from '../table';

/** `status <target>`: every feature at a glance, or as JSON. */
export const status = defineCommand({
  name: 'status',
  usage: '<target> [--json] [--now ISO]',
  target: 'required',
  args: [],
  options: { json: { type: 'boolean' }, now: { type: 'string' } },
  summary: 'a table of every feature: switches, percentages (ramp now), salt, lists, assets, flags',
  help: `--now shows the ramps' percentages at another time. Text from the config is printed with
control characters escaped (\\u001b), so a config cannot send commands to your terminal.

Examples:
  client-canary status canary-config.json
  client-canary status s3://my-bucket/canary-config.json --json`,
  async run({ target, values, out }) {
    const { config } = await load(target);
    const now = clock(values.now);
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
    out.log(`revision ${escapeText(config.revision ?? '(none)')}, at ${new Date(now).toISOString()}`);
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
          // One cell per list: an asset URL holds no space (the schema refuses whitespace).
          r.stableAssets.join(' ') || '-',
          r.canaryAssets.join(' ') || '-',
          `${JSON.stringify(r.flags.stable)} / ${JSON.stringify(r.flags.canary)}`,
        ]),
      ),
    );
    for (const r of rows) if (r.ramp) out.log(`${r.feature} ramp: ${r.ramp}`);
  },
});

function assetUrl(asset: Asset): string {
  return typeof asset === 'string' ? asset : asset.url;
}
