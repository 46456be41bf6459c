// @vitest-environment happy-dom
// The README's server-rendering recipe as written: the server's render(), then the page's start
// from the bootstrap element it wrote.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it, vi } from 'vitest';
import type { CanaryClient } from '../../src/client';
import { useBucket } from '../helpers/bucket';

const bucket = useBucket({ cacheControl: 'no-store' });
const URL_IN_README = 'https://my-bucket.s3.amazonaws.com/canary-config.json';

/** The ```ts blocks under the README heading, in order. */
function blocks(heading: string): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf(`\n${heading}\n`);
  const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
  return [...section.matchAll(/```ts\n([^]*?)\n```/g)].map((m) => m[1]!);
}

/** Writes a block as a module (imports pointed at the sources) and imports it. */
async function load<T>(name: string, code: string): Promise<T> {
  mkdirSync('test/.recipes', { recursive: true });
  const file = resolve(`test/.recipes/${name}-${Date.now()}.ts`);
  writeFileSync(file, code.replace("from 'client-canary/server'", `from '${resolve('src/server/index.ts')}'`).replace("from 'client-canary'", `from '${resolve('src/index.ts')}'`));
  return (await import(/* @vite-ignore */ file)) as T;
}

it('renders on the server and starts the page from its bootstrap: the same id and decisions, at once', async () => {
  const config = {
    version: 1,
    revision: 'ssr',
    features: { checkout: { percentage: 100, match: { country: ['NZ'] }, stable: { flags: { steps: 3 } }, canary: { flags: { steps: 1 } } } },
  };
  bucket().put('/ssr/canary-config.json', JSON.stringify(config));
  const [server, page] = blocks('### Server rendering and bootstrap');
  expect(page).toContain(URL_IN_README);
  const { render } = await load<{ render: (req: { headers: Record<string, string> }, config: unknown) => { html: string; headers: Record<string, string> } }>('ssr-server', server!);

  const { html, headers } = render({ headers: {} }, config);
  // The targeting attribute decided on the server: the canary's markup.
  expect(html).toMatch(/^<new-checkout><\/new-checkout><script type="application\/json" id="canary-bootstrap">/);
  const id = /^client_canary_uid=([^;]+);/.exec(headers['Set-Cookie']!)![1]!;

  // The browser: the response's cookie and markup, then the page's own block.
  document.cookie = headers['Set-Cookie']!.split(';')[0]!;
  document.body.innerHTML = html;
  const { canary } = await load<{ canary: CanaryClient }>('ssr-page', page!.replace(URL_IN_README, bucket().url('/ssr/canary-config.json')));
  expect(canary.getSnapshot()).toMatchObject({ ready: true, revision: 'ssr', variants: { checkout: 'canary' }, flags: { steps: 1 } });
  expect(canary.context().userId).toBe(id);
  // Then refreshed as a cached config is: the fetched config is kept for the next page load.
  await vi.waitFor(() => expect(localStorage.getItem(`client-canary:config:${bucket().url('/ssr/canary-config.json')}`)).toContain('"ssr"'));
});
