// Prints the gzip and brotli size of the script-tag bundle and fails above the budget.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const BUDGET_GZIP = 13_000;

const code = readFileSync(new URL('../dist/client-canary.min.js', import.meta.url));
const gzip = gzipSync(code, { level: 9 }).length;
const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
console.log(`dist/client-canary.min.js: ${code.length} bytes, ${gzip} bytes gzip, ${brotli} bytes brotli (budget ${BUDGET_GZIP} gzip)`);
if (gzip > BUDGET_GZIP) {
  console.error(`size: ${gzip - BUDGET_GZIP} bytes gzip over the budget`);
  process.exit(1);
}
