// The rollup plugin that guards zod's for…in loops in the script-tag bundle, run by rollup itself on
// modules held in memory (the built bundle on a polluted page is tested in build.test.ts).
import { rollup, type Plugin } from 'rollup';
import { describe, expect, it } from 'vitest';
import { ownKeysOnly } from '../scripts/rollup-own-keys.mjs';

const ZOD = '/app/node_modules/zod/v4/core/util.js';
const OURS = '/app/src/walk.js';

/** Bundles `modules` (id → source; the first is the entry) with the plugin, as one ES module. */
async function bundle(modules: Record<string, string>): Promise<string> {
  const memory: Plugin = {
    name: 'memory',
    resolveId: (id) => (id in modules ? id : null),
    load: (id) => modules[id] ?? null,
  };
  const build = await rollup({ input: Object.keys(modules)[0], plugins: [memory, ownKeysOnly()], treeshake: false });
  try {
    return (await build.generate({ format: 'es' })).output[0].code;
  } finally {
    await build.close();
  }
}

describe('ownKeysOnly', () => {
  it('adds an own-key guard to each for…in loop of a zod module, over a name or a dotted path', async () => {
    const code = await bundle({ [ZOD]: 'export function f(table, def) {\n  for (const key in table) {\n    use(key);\n  }\n  for (const k in def.shape) {\n    use(k);\n  }\n}\n' });
    expect(code).toContain('if (!Object.prototype.hasOwnProperty.call(table, key)) continue;');
    expect(code).toContain('if (!Object.prototype.hasOwnProperty.call(def.shape, k)) continue;');
  });

  it('leaves our own modules, and loops that zod writes as text, alone', async () => {
    const code = await bundle({
      [OURS]: `import { g } from '${ZOD}';\nexport function walk(o) {\n  for (const key in o) {\n    g(key);\n  }\n}\n`,
      [ZOD]: 'export function g(doc, accessor) {\n  for (const key in doc) {\n    doc.write(`for (const k in ${accessor}) {`);\n  }\n}\n',
    });
    expect(code.match(/hasOwnProperty/g)).toHaveLength(1);
    expect(code).toContain('call(doc, key)');
    expect(code).toContain('doc.write(`for (const k in ${accessor}) {`);');
  });

  it('fails the build when zod has no loop left to guard', async () => {
    await expect(bundle({ [ZOD]: 'export const keys = (o) => Object.keys(o);\n' })).rejects.toThrow(/no `for \(const key in object\) \{` loop found in zod/);
  });
});
