// Prints the gzip and brotli sizes of the script-tag files and fails above the budgets.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** gzip budgets: the loader is the whole critical path of a warm start. */
export const BUDGETS = {
  'client-canary.min.js': 13_500,
};

/** Bytes of a file of dist/: raw, gzip -9 and brotli 11. */
export function measure(file = 'client-canary.min.js') {
  const code = readFileSync(new URL(`../dist/${file}`, import.meta.url));
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let over = false;
  const rows = ['client-canary.min.js', 'client-canary.validate.js', 'client-canary.full.min.js'].map((file) => ({ file, ...measure(file), budget: BUDGETS[file] }));
  rows.push({ file: 'cold start (loader + validator)', ...['raw', 'gzip', 'brotli'].reduce((sum, key) => ({ ...sum, [key]: rows[0][key] + rows[1][key] }), {}) });
  for (const { file, raw, gzip, brotli, budget } of rows) {
    console.log(`${file}: ${raw} bytes, ${gzip} bytes gzip, ${brotli} bytes brotli${budget ? ` (budget ${budget} gzip)` : ''}`);
    if (budget && gzip > budget) {
      console.error(`size: ${file} is ${gzip - budget} bytes gzip over its budget`);
      over = true;
    }
  }
  if (over) process.exit(1);
}
