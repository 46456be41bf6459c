// The README shows the budget table of `npm run size`: this keeps it true after every change.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { budgetTable } from '../scripts/size.mjs';

it('shows the size table that npm run size prints, with today\'s numbers', async () => {
  const { table } = await budgetTable();
  expect(table.split('\n')).toHaveLength(9);
  expect(readFileSync('README.md', 'utf8')).toContain(table);
});
