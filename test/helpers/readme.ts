import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The first fenced block of `lang` under the README heading `heading`, exactly as written. */
export function readmeBlock(heading: string, lang: string): string {
  const readme = readFileSync(resolve('README.md'), 'utf8');
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading "${heading}"`);
  const block = new RegExp('```' + lang + '\\n([^]*?)\\n```').exec(readme.slice(start));
  if (!block) throw new Error(`README has no \`\`\`${lang} block under "${heading}"`);
  return block[1]!;
}
