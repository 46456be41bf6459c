import { defineCommand } from '../command';
import { edit } from '../config-io';
import { ship as shipEdit } from '../edit';
import { toPercentage } from '../inputs';
import { shipAssets } from '../manifest';

/** `ship <target> <feature> (<asset-url>… [--module] | --manifest FILE --prefix P) [--percentage P]`: a release. */
export const ship = defineCommand({
  name: 'ship',
  usage: '<target> <feature> (<asset-url>… [--module] | --manifest FILE --prefix P) [--percentage P]',
  target: 'required',
  args: ['feature'],
  rest: 'asset-url',
  writes: true,
  options: { percentage: { type: 'string' }, manifest: { type: 'string' }, prefix: { type: 'string' }, module: { type: 'boolean' } },
  summary: 'new canary assets for a feature (a release), optionally with its first percentage',
  help: `Relative asset URLs resolve against the config file's URL, so versioned folders beside it work.
A URL ending in .mjs loads as a module script, .css as a style sheet, any other as a classic script.
  --percentage P     the canary's percentage from now on (removes a ramp)
  --module           load each .js URL as a module script (type "module"): Vite, Rollup and
                     webpack (output.module) emit their ES-module entries as .js, and a classic
                     script throws at their first import or import.meta
  --manifest FILE    the assets of a build, from its manifest (Vite's build.manifest: true writes
                     DIST/.vite/manifest.json; the files are read relative to DIST): each entry
                     chunk (isEntry) as a module, after its CSS and the CSS of the chunks it
                     imports, each with integrity (sha384 of the built file) and crossorigin
                     "anonymous"; the assets need CORS (a bucket with the README's CORS rules)
  --prefix P         where the build's files are, put before each file name: app/2.0.0/
                     (relative to the config) or https://cdn.example.com/app/2.0.0/
Chunks that the entry imports (lazily or not) are loaded by the browser itself and are not
covered by integrity: upload the whole build folder under the prefix, and keep it immutable.

Examples:
  client-canary ship canary-config.json app app/1.5.0/app.js app/1.5.0/app.css --percentage 5
  client-canary ship s3://my-bucket/canary-config.json app https://cdn.example.com/app/1.5.0/app.mjs
  client-canary ship s3://my-bucket/canary-config.json app app/2.0.0/main.js --module
  client-canary ship s3://my-bucket/canary-config.json app --manifest dist/.vite/manifest.json --prefix app/2.0.0/ --percentage 5`,
  async run({ target, args: [feature, ...urls], values, out }) {
    const percentage = values.percentage === undefined ? undefined : toPercentage(values.percentage);
    const assets = await shipAssets(urls, values);
    await edit(target, values, out, (doc) => shipEdit(doc, feature!, assets, percentage));
  },
});
