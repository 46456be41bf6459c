// A script-tag file that loads another one beside it: the module that imports the other file's
// code (for the npm and all-in-one builds) is swapped for one that inserts the file with a
// <script> tag, and the integrity of that file (built just before) is written in.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/**
 * @param {{ swap: string, by: string, integrityModule: string, exportName: string, file: string }} options
 *   swap: the module to swap, without extension (e.g. src/loader/rest); by: its replacement;
 *   integrityModule: the virtual module that exports `exportName`, the sha384 of `file`.
 */
export function chunkScript({ swap, by, integrityModule, exportName, file }) {
  const swapped = resolve(swap);
  return {
    name: `chunk-script:${file}`,
    resolveId(source, importer) {
      if (source === integrityModule) return `\0${integrityModule}`;
      if (importer && source.startsWith('.') && resolve(importer, '..', source).replace(/\.ts$/, '') === swapped) return resolve(by);
      return null;
    },
    async load(id) {
      if (id !== `\0${integrityModule}`) return null;
      // Fails the build when the file was not built first: a wrong integrity would load nothing.
      const hash = createHash('sha384').update(await readFile(file)).digest('base64');
      return `export const ${exportName} = 'sha384-${hash}';`;
    },
  };
}
