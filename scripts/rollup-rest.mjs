// The script-tag loader's second chunk: src/loader/rest.ts (the rest of the client, bundled, for
// the all-in-one build) is swapped for src/loader/rest-script.ts, which inserts
// client-canary.validate.js, and the integrity of that file (built just before) is written into
// the loader.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const INTEGRITY_MODULE = 'client-canary:rest-integrity';

/** @param {string} restFile the built second chunk, e.g. dist/client-canary.validate.js */
export function restScript(restFile) {
  return {
    name: 'rest-script',
    resolveId(source, importer) {
      if (source === INTEGRITY_MODULE) return `\0${INTEGRITY_MODULE}`;
      if (importer && /\/rest(\.ts)?$/.test(source) && resolve(importer, '..', source).replace(/\.ts$/, '').endsWith('/src/loader/rest')) return resolve('src/loader/rest-script.ts');
      return null;
    },
    async load(id) {
      if (id !== `\0${INTEGRITY_MODULE}`) return null;
      // Fails the build when the second chunk was not built first: a loader whose integrity is
      // wrong would load no client at all.
      const hash = createHash('sha384').update(await readFile(restFile)).digest('base64');
      return `export const REST_INTEGRITY = 'sha384-${hash}';`;
    },
  };
}
