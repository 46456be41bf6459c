// Prints the sizes of the script-tag files and of an npm app's bundle against issue 10's budgets,
// and fails above them (or, for a budget not met yet, above its ceiling: no silent growth).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { splitFromNpm } from './app-bundle.mjs';

/** Bytes of a file of dist/: raw, gzip -9 and brotli 11. */
export function measure(file = 'client-canary.min.js') {
  const code = readFileSync(new URL(`../dist/${file}`, import.meta.url));
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/**
 * The budgets (gzip bytes) of issue 10, with what later issues allow (`plus`, by issue): issue 11
 * the health record, issue 13 the snapshot store with its ramp timer and the bootstrap start.
 * `ceiling`: a budget not met (see the README, "Size"), held at about what it measures today (issue
 * 13 raised it by what it measured), so that it can only shrink.
 */
export const BUDGETS = [
  { what: '`client-canary.min.js` (loader, the whole warm critical path)', budget: 3_000, ceiling: 7_125, gzip: () => measure('client-canary.min.js').gzip },
  { what: 'loader + `client-canary.validate.js` (cold start)', budget: 13_000, plus: { 11: 1_500, 13: 1_100 }, gzip: () => measure('client-canary.min.js').gzip + measure('client-canary.validate.js').gzip },
  { what: '`client-canary.full.min.js`', budget: 13_500, plus: { 11: 1_500 }, gzip: () => measure('client-canary.full.min.js').gzip },
  { what: 'npm: `decide` + `bucketOf` bundled from the entry', budget: 1_500, gzip: async () => (await splitFromNpm("export { decide, bucketOf } from 'client-canary';\n")).gzip },
  { what: 'npm: `createCanary` main chunk (validator split off)', budget: 5_000, ceiling: 10_450, gzip: async () => (await splitFromNpm("export { createCanary } from 'client-canary';\n")).gzip },
  // Issue 13 asks for the cost to be measured, with no budget.
  { what: 'npm: `CanaryProvider` added to an app that uses `@openfeature/web-sdk` (main chunk, with it − without it)', gzip: async () => (await openFeatureApp(true)) - (await openFeatureApp(false)) },
  { what: 'npm: such an app\'s main chunk, `@openfeature/web-sdk` and `CanaryProvider` together', gzip: () => openFeatureApp(true) },
];

/** The main chunk of an app that sets an OpenFeature provider: client-canary's, or the SDK's in-memory one. */
async function openFeatureApp(withCanary) {
  const source = withCanary
    ? "import { OpenFeature } from '@openfeature/web-sdk';\nimport { CanaryProvider } from 'client-canary/openfeature';\nOpenFeature.setProvider(new CanaryProvider({ configUrl: '/canary-config.json' }));\nexport const client = OpenFeature.getClient();\n"
    : "import { OpenFeature, InMemoryProvider } from '@openfeature/web-sdk';\nOpenFeature.setProvider(new InMemoryProvider({}));\nexport const client = OpenFeature.getClient();\n";
  return (await splitFromNpm(source, { also: ['@openfeature'] })).gzip;
}

/** The table `npm run size` prints (and the README holds), and whether any row is over its limit. */
export async function budgetTable() {
  const rows = ['| file | gzip budget | now | |', '| --- | --- | --- | --- |'];
  let over = false;
  for (const { what, budget, plus: allowed = {}, ceiling, gzip } of BUDGETS) {
    const plus = Object.values(allowed).reduce((sum, bytes) => sum + bytes, 0);
    const now = await gzip();
    const n = (value) => `${value.toLocaleString('en')} B`;
    if (budget === undefined) {
      rows.push(`| ${what} | none | ${n(now)} | measured |`);
      continue;
    }
    const met = now <= budget + plus;
    if (!met && !(ceiling && now <= ceiling)) over = true;
    rows.push(`| ${what} | ${n(budget)}${Object.entries(allowed).map(([issue, bytes]) => ` + ${n(bytes)} (issue ${issue})`).join('')} | ${n(now)} | ${met ? 'met' : `over (ceiling ${n(ceiling ?? budget + plus)})`} |`);
  }
  return { table: rows.join('\n'), over };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const file of ['client-canary.min.js', 'client-canary.validate.js', 'client-canary.full.min.js']) {
    const { raw, gzip, brotli } = measure(file);
    console.log(`${file}: ${raw} bytes, ${gzip} bytes gzip, ${brotli} bytes brotli`);
  }
  const { table, over } = await budgetTable();
  console.log(`\n${table}`);
  if (over) {
    console.error('size: a file is over its budget (or, for a budget not met yet, over its ceiling)');
    process.exit(1);
  }
}
