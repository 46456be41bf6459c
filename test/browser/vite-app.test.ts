import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { bucketOf } from '../../src/decide/bucket';
import { decision, loadedVersion } from '../helpers/app-probes';
import { useChromium, type PageRun } from '../helpers/chromium';
import { BUCKET, useS3 } from '../helpers/s3';
import { useSites } from '../helpers/sites';
import { buildViteApp, uploadBuild } from '../helpers/vite-app';

const chromium = useChromium();
const s3 = useS3();
const { page: sitePage } = useSites();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI (node dist/cli.js) against s3rver, through the standard AWS environment variables. */
function cli(...args: string[]): Promise<Run> {
  const env = { ...process.env, ...s3().env, AWS_ENDPOINT_URL: s3().endpoint };
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/cli.js', ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: stdout.trimEnd(), stderr: stderr.trimEnd() });
    });
  });
}

const key = 'canary-config.json';
const target = `s3://${BUCKET}/${key}`;
const users = Array.from({ length: 200 }, (_, i) => `vite-user-${i}`);
const canaryUser = users.find((id) => bucketOf('app', id) < 5000)!;
const stableUser = users.find((id) => bucketOf('app', id) >= 5000)!;
let dist: Record<'1.0.0' | '2.0.0', string>;
let shipped: Run;
let client: S3Client;

const objectUrl = (path: string) => `${s3().endpoint}/${BUCKET}/${path}`;
const readConfig = async (path = key) => JSON.parse(await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: path }))).Body!.transformToString());
const manifestOf = (version: '1.0.0' | '2.0.0') => JSON.parse(readFileSync(join(dist[version], '.vite', 'manifest.json'), 'utf8'));

beforeAll(async () => {
  const { endpoint, env } = s3();
  client = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } });
  dist = { '1.0.0': await buildViteApp('1.0.0'), '2.0.0': await buildViteApp('2.0.0') };
  for (const version of ['1.0.0', '2.0.0'] as const) await uploadBuild(client, BUCKET, dist[version], `app/${version}/`);
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify({ version: 1, revision: 'vite-1', features: { app: { percentage: 0 } } }), ContentType: 'application/json' }));
  // Release 1.0.0 as every release goes: ship it from its manifest, then promote it to stable.
  for (const step of [
    ['ship', target, 'app', '--manifest', join(dist['1.0.0'], '.vite', 'manifest.json'), '--prefix', 'app/1.0.0/', '--percentage', '100'],
    ['promote', target, 'app'],
  ]) {
    const run = await cli(...step);
    if (run.code !== 0) throw new Error(`${step.join(' ')}: exit ${run.code}: ${run.stderr}`);
  }
  shipped = await cli('ship', target, 'app', '--manifest', join(dist['2.0.0'], '.vite', 'manifest.json'), '--prefix', 'app/2.0.0/', '--percentage', '50');
}, 60_000);

/** What the page ended up running: the app's version, its lazy chunk, its style and its asset tags. */
async function ran(run: PageRun) {
  const { page } = run;
  const version = await loadedVersion(page);
  await page.waitForFunction(() => document.getElementById('lazy'), undefined, { timeout: 10_000 });
  return {
    version,
    app: await page.evaluate(() => document.getElementById('app')!.textContent),
    lazy: await page.evaluate(() => document.getElementById('lazy')!.textContent),
    entryUrl: await page.evaluate(() => window.appEntryUrl),
    lazyChunkUrl: await page.evaluate(() => window.lazyChunkUrl),
    style: await page.evaluate(() => {
      const style = getComputedStyle(document.getElementById('app')!);
      return { color: style.color, letterSpacing: style.letterSpacing };
    }),
    tags: await tagsOf(page),
  };
}

const tagsOf = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLScriptElement | HTMLLinkElement>('[data-client-canary]')].map((el) => ({
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute('type'),
      url: el instanceof HTMLScriptElement ? el.src : el.href,
      integrity: el.integrity,
      crossorigin: el.getAttribute('crossorigin'),
    })),
  );

describe('a Vite app shipped with ship --manifest, loaded by the script tag from S3 (s3rver)', () => {
  it('writes the 2.0.0 entry as a module with integrity and its CSS, and prints each change', async () => {
    expect(shipped.stderr).toBe('');
    expect(shipped.code).toBe(0);
    const entry = manifestOf('2.0.0')['index.html'];
    const app = (await readConfig()).features.app;
    expect(app.percentage).toBe(50);
    expect(app.canary.assets).toEqual([
      { url: `app/2.0.0/${entry.css[0]}`, integrity: expect.stringMatching(/^sha384-[A-Za-z0-9+/]{64}$/), crossorigin: 'anonymous' },
      { url: `app/2.0.0/${entry.file}`, type: 'module', integrity: expect.stringMatching(/^sha384-[A-Za-z0-9+/]{64}$/), crossorigin: 'anonymous' },
    ]);
    expect(app.stable.assets.map((a: { url: string }) => a.url)).toEqual([`app/1.0.0/${manifestOf('1.0.0')['index.html'].css[0]}`, `app/1.0.0/${manifestOf('1.0.0')['index.html'].file}`]);
    expect(shipped.stdout.split('\n')).toEqual([
      `app.canary: (none) → ${JSON.stringify({ assets: app.canary.assets })}`,
      'app.percentage: 0 → 50',
      expect.stringMatching(/^revision: ".+" → ".+"$/),
      `wrote ${target}`,
    ]);
  });

  it('runs 2.0.0 for a canary user: the module entry (import.meta), its lazy chunk and its CSS, cross-origin, with no page errors', async () => {
    const run = await chromium.open(sitePage({ config: objectUrl(key), 'user-id': canaryUser }));
    const page = await ran(run);
    const entry = manifestOf('2.0.0')['index.html'];
    expect(await decision(run.page)).toMatchObject({ variant: 'canary', reason: 'rollout' });
    expect(page.version).toBe('2.0.0');
    expect(page.app).toBe('app 2.0.0');
    expect(page.lazy).toBe('lazy 2.0.0');
    expect(page.entryUrl).toBe(objectUrl(`app/2.0.0/${entry.file}`));
    expect(page.lazyChunkUrl).toBe(objectUrl(`app/2.0.0/${manifestOf('2.0.0')['lazy.js'].file}`));
    expect(page.style).toEqual({ color: 'rgb(0, 128, 0)', letterSpacing: '3px' });
    expect(page.tags).toEqual([
      { tag: 'link', type: null, url: objectUrl(`app/2.0.0/${entry.css[0]}`), integrity: expect.stringMatching(/^sha384-/), crossorigin: 'anonymous' },
      { tag: 'script', type: 'module', url: objectUrl(`app/2.0.0/${entry.file}`), integrity: expect.stringMatching(/^sha384-/), crossorigin: 'anonymous' },
    ]);
    expect(run.errors).toEqual([]);
    expect(run.console.filter((line) => line.startsWith('error'))).toEqual([]);
  });

  it('runs 1.0.0, the promoted stable build, for a stable user, with no page errors', async () => {
    const run = await chromium.open(sitePage({ config: objectUrl(key), 'user-id': stableUser }));
    const page = await ran(run);
    expect(await decision(run.page)).toMatchObject({ variant: 'stable', reason: 'rollout' });
    expect(page.version).toBe('1.0.0');
    expect(page.lazy).toBe('lazy 1.0.0');
    expect(page.entryUrl).toBe(objectUrl(`app/1.0.0/${manifestOf('1.0.0')['index.html'].file}`));
    expect(page.lazyChunkUrl).toBe(objectUrl(`app/1.0.0/${manifestOf('1.0.0')['lazy.js'].file}`));
    expect(page.style).toEqual({ color: 'rgb(0, 128, 0)', letterSpacing: '3px' });
    expect(page.tags.map((t) => [t.type, t.url])).toEqual([
      [null, objectUrl(`app/1.0.0/${manifestOf('1.0.0')['index.html'].css[0]}`)],
      ['module', objectUrl(`app/1.0.0/${manifestOf('1.0.0')['index.html'].file}`)],
    ]);
    expect(run.errors).toEqual([]);
    expect(run.console.filter((line) => line.startsWith('error'))).toEqual([]);
  });

  it('throws "import.meta outside a module" when the entry is shipped as a plain URL, and runs with ship --module', async () => {
    const entry = `app/2.0.0/${manifestOf('2.0.0')['index.html'].file}`;
    for (const name of ['classic', 'module']) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${name}-config.json`, Body: JSON.stringify({ version: 1, features: { app: { percentage: 0 } } }), ContentType: 'application/json' }));
      const run = await cli('ship', `s3://${BUCKET}/${name}-config.json`, 'app', entry, '--percentage', '100', ...(name === 'module' ? ['--module'] : []));
      expect(run.code).toBe(0);
    }
    expect((await readConfig('module-config.json')).features.app.canary.assets).toEqual([{ url: entry, type: 'module' }]);
    const classic = await chromium.open(sitePage({ config: objectUrl('classic-config.json'), 'user-id': canaryUser }));
    await classic.page.waitForFunction(() => document.querySelector('script[data-client-canary]'));
    await expect.poll(() => classic.errors.map((e) => e.message)).toEqual([expect.stringContaining("Cannot use 'import.meta' outside a module")]);
    expect(await classic.page.evaluate(() => window.appVersion)).toBeUndefined();
    const module = await chromium.open(sitePage({ config: objectUrl('module-config.json'), 'user-id': canaryUser }));
    expect((await ran(module)).version).toBe('2.0.0');
    expect(module.errors).toEqual([]);
  });
});
