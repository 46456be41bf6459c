// Prints the gzip and brotli size of the script-tag bundle and fails above the budget.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET_GZIP = 13_000;

/** Bytes of dist/client-canary.min.js: raw, gzip -9 and brotli 11. */
export function measureBundle() {
  const code = readFileSync(new URL('../dist/client-canary.min.js', import.meta.url));
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { raw, gzip, brotli } = measureBundle();
  console.log(`dist/client-canary.min.js: ${raw} bytes, ${gzip} bytes gzip, ${brotli} bytes brotli (budget ${BUDGET_GZIP} gzip)`);
  if (gzip > BUDGET_GZIP) {
    console.error(`size: ${gzip - BUDGET_GZIP} bytes gzip over the budget`);
    process.exit(1);
  }
}
