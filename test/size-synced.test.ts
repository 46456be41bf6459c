// The README states the bundle's size: this keeps the statement true after every change.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { measureBundle } from '../scripts/size.mjs';

it('states the built bundle\'s gzip and brotli sizes in the README', () => {
  const { gzip, brotli } = measureBundle();
  const readme = readFileSync('README.md', 'utf8');
  expect(readme).toContain(`**${gzip.toLocaleString('en')} bytes gzip** (${brotli.toLocaleString('en')} brotli)`);
});
