// The ECS hosting guide, tested: Debian's nginx runs the README's server block (only its listen
// address and root changed) on 127.0.0.1, and the SDK in Chromium loads its config through it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketOf } from '../../src/decide/bucket';
import { useChromium } from '../helpers/chromium';
import { appConfig, CANARY, STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { page: sitePage } = useSites();
const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
let nginx: ChildProcess;
let origin = '';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  expect(existsSync(NGINX), `${NGINX} (apt-get install nginx; .ci/run does)`).toBe(true);
  const work = mkdtempSync(join(tmpdir(), 'nginx-'));
  chmodSync(work, 0o755);
  const root = join(work, 'canary');
  for (const version of [STABLE, CANARY]) {
    mkdirSync(join(root, 'app', version), { recursive: true });
    writeFileSync(join(root, 'app', version, 'app.js'), `window.appVersion = '${version}';`);
    writeFileSync(join(root, 'app', version, 'app.css'), '#app { color: black; }');
  }
  writeFileSync(join(root, 'canary-config.json'), JSON.stringify(appConfig({ percentage: 50 }, 'nginx-1'), null, 2));
  const port = await freePort();
  const block = readFileSync('docs/ecs/canary-config.conf', 'utf8');
  const local = block.replace('listen 8080;', `listen 127.0.0.1:${port};`).replace('root /usr/share/nginx/canary;', `root ${root};`);
  expect(local.match(new RegExp(`listen 127\\.0\\.0\\.1:${port};|root ${root};`, 'g'))).toHaveLength(2); // the guide still has both lines
  writeFileSync(join(work, 'server.conf'), local);
  writeFileSync(
    join(work, 'nginx.conf'),
    [
      'master_process off;',
      'daemon off;',
      `pid ${work}/nginx.pid;`,
      `error_log ${work}/error.log warn;`,
      'events { worker_connections 64; }',
      'http {',
      '  include /etc/nginx/mime.types;',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${work}/${t};`),
      `  include ${work}/server.conf;`,
      '}',
    ].join('\n'),
  );
  const check = spawnSync(NGINX, ['-t', '-c', join(work, 'nginx.conf')], { encoding: 'utf8' });
  expect(check.status, check.stderr).toBe(0);
  nginx = spawn(NGINX, ['-c', join(work, 'nginx.conf')], { stdio: 'inherit' });
  origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await fetch(`${origin}/canary-config.json`).then(() => true, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});
afterAll(() => {
  nginx?.kill();
});

describe('the config served by nginx in an ECS task (docs/ecs/canary-config.conf)', () => {
  it('answers with ETag, 304, Cache-Control max-age=60 and CORS that exposes ETag and Date', async () => {
    const first = await fetch(`${origin}/canary-config.json`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(first.headers.get('cache-control')).toBe('max-age=60');
    expect(first.headers.get('access-control-allow-origin')).toBe('*');
    expect(first.headers.get('access-control-expose-headers')).toBe('ETag, Date');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${origin}/canary-config.json`, { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    const asset = await fetch(`${origin}/app/${CANARY}/app.js`);
    expect(asset.headers.get('access-control-allow-origin')).toBe('*');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('feeds the SDK in Chromium, from another origin: decisions, assets and the server clock', async () => {
    for (const userId of ['nginx-a', 'nginx-b', 'nginx-c', 'nginx-d']) {
      const { page, errors } = await chromium.open(sitePage({ config: `${origin}/canary-config.json`, 'user-id': userId }));
      await page.waitForFunction(() => (window as { appVersion?: string }).appVersion);
      const version = await page.evaluate(() => (window as { appVersion?: string }).appVersion);
      expect(version).toBe(bucketOf('app', userId) < 5000 ? CANARY : STABLE);
      const d = await page.evaluate(() => window.clientCanary!.decide('app'));
      expect(d).toMatchObject({ reason: 'rollout', revision: 'nginx-1' });
      // The Date header was readable (exposed): the cache entry carries the server's clock.
      const cached = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.startsWith('client-canary:config:'))?.[1]);
      expect(JSON.parse(cached!).serverDate).toEqual(expect.any(Number));
      expect(errors).toEqual([]);
    }
  });
});
