// What an app that imports from npm pays (scripts/app-bundle.mjs). npm test builds first. The
// budgets themselves are held by `npm run size` (scripts/size.mjs); these hold the structure.
import { describe, expect, it } from 'vitest';
import { bundleFromNpm, splitFromNpm } from '../scripts/app-bundle.mjs';

/** gzip budget of the decision path bundled from npm (issue 10). */
const DECIDE_BUDGET = 1_500;

/** True when zod's code is in `code`: its internals all carry `_zod`, and its errors name it. */
const hasZod = (code: string) => /_zod|\bzod\b/i.test(code);

describe('the npm entry in an app bundle', () => {
  it(`bundles decide and bucketOf alone without zod, under ${DECIDE_BUDGET.toLocaleString('en')} bytes gzip`, async () => {
    const chunks = await bundleFromNpm("export { decide, bucketOf } from 'client-canary';\n");
    expect(chunks).toHaveLength(1);
    const [{ chunk, gzip }] = chunks as [(typeof chunks)[0]];
    expect(hasZod(chunk.code), 'zod is in the decide bundle').toBe(false);
    expect(chunk.dynamicImports).toEqual([]);
    expect(gzip).toBeLessThanOrEqual(DECIDE_BUDGET);
    console.log(`decide + bucketOf bundled from npm: ${gzip} bytes gzip`);
  });

  it('keeps the validator of createCanary and web-vitals in chunks that load on import(), and zod out of all', async () => {
    // What loads at once: the entry and what it imports statically (rollup may share code out of
    // the entry into a chunk both the entry and the validator import). The rest loads on import().
    const { main, lazy, gzip } = await splitFromNpm("export { createCanary } from 'client-canary';\n");
    for (const { chunk } of [...main, ...lazy]) expect(hasZod(chunk.code), `zod is in ${chunk.fileName}`).toBe(false);
    expect(lazy).toHaveLength(2);
    expect([...main].flatMap(({ chunk }) => chunk.dynamicImports).sort()).toEqual(lazy.map(({ chunk }) => chunk.fileName).sort());
    // The checker's words and web-vitals' code are each in a lazy chunk only.
    const checker = lazy.find(({ chunk }) => chunk.code.includes('check the spelling'))!;
    const vitals = lazy.find(({ chunk }) => /largest-contentful-paint/.test(chunk.code))!;
    expect(checker).toBeDefined();
    expect(vitals).toBeDefined();
    expect(checker).not.toBe(vitals);
    for (const { chunk } of main) expect(chunk.code).not.toMatch(/check the spelling|largest-contentful-paint/);
    console.log(`createCanary bundled from npm: ${gzip} bytes gzip loaded at once (${main.length} chunks), the validator chunk ${checker.gzip} bytes gzip, web-vitals ${vitals.gzip}`);
  });
});
