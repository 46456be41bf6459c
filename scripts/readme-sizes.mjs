// Writes the table that `npm run size` prints into the README (after a change of sizes):
// node scripts/readme-sizes.mjs. test/size-synced.test.ts fails until it is run.
import { readFileSync, writeFileSync } from 'node:fs';
import { budgetTable } from './size.mjs';

const { table } = await budgetTable();
const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf('| file | gzip budget | now | |');
const end = readme.indexOf('\n\n', start);
if (start < 0 || end < 0) throw new Error('README.md has no size table to replace');
writeFileSync('README.md', `${readme.slice(0, start)}${table}${readme.slice(end)}`);
console.log(table);
