// The script-tag loader's validator: src/config/validator.ts (a dynamic import, for npm bundlers)
// is swapped for src/config/validator-script.ts, which inserts client-canary.validate.js, and the
// integrity of that file (built just before) is written into the loader.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const INTEGRITY_MODULE = 'client-canary:validator-integrity';

/** @param {string} validatorFile the built validator chunk, e.g. dist/client-canary.validate.js */
export function validatorScript(validatorFile) {
  return {
    name: 'validator-script',
    resolveId(source, importer) {
      if (source === INTEGRITY_MODULE) return `\0${INTEGRITY_MODULE}`;
      if (importer && /\/validator(\.ts)?$/.test(source) && resolve(importer, '..', source).replace(/\.ts$/, '').endsWith('/src/config/validator')) return resolve('src/config/validator-script.ts');
      return null;
    },
    async load(id) {
      if (id !== `\0${INTEGRITY_MODULE}`) return null;
      // Fails the build when the validator was not built first: a loader whose integrity is wrong
      // would load no validator at all.
      const hash = createHash('sha384').update(await readFile(validatorFile)).digest('base64');
      return `export const VALIDATOR_INTEGRITY = 'sha384-${hash}';`;
    },
  };
}
