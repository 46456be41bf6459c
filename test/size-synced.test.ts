// The README states the script-tag files' sizes: this keeps the statements true after every change.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { measure } from '../scripts/size.mjs';

it('states the loader\'s, the validator chunk\'s and the all-in-one build\'s gzip sizes in the README', () => {
  const readme = readFileSync('README.md', 'utf8');
  const loader = measure('client-canary.min.js');
  expect(readme).toContain(`**${loader.gzip.toLocaleString('en')} bytes gzip** (${loader.brotli.toLocaleString('en')} brotli)`);
  expect(readme).toContain(`validator chunk, ${measure('client-canary.validate.js').gzip.toLocaleString('en')} bytes gzip`);
  expect(readme).toContain(`all-in-one \`client-canary.full.min.js\`, ${measure('client-canary.full.min.js').gzip.toLocaleString('en')} bytes gzip`);
});
