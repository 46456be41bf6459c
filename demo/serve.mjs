// `npm run demo`: the product in one page. Two origins on 127.0.0.1, as in production:
//   - the "bucket" (PORT + 1): canary-config.json and the versioned app folders, served with
//     S3's ETag / Cache-Control / CORS behaviour by the same server the tests use;
//   - the "app" (PORT, default 8080): the page that loads the SDK by script tag, and the rollout
//     console's API, which edits the bucket's config by running the client-canary CLI itself;
//   - the collector (PORT + 2): `client-canary collect`, which the page sends its health record
//     to and the console reads the counts per arm from.
// The config is edited in a temporary copy: demo/bucket/canary-config.json stays as committed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startBucketServer } from './bucket-server.mjs';
import { createWatchLoop } from './watch-loop.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** What the console may run, and the arguments it adds after `<command> <config>`. */
const CONSOLE = {
  set: (a) => ['app', String(a.percentage)],
  rollback: () => ['app'],
  promote: () => ['app'],
  kill: () => ['app'],
  revive: () => ['app'],
  ramp: (a) => ['app', '--preset', String(a.preset)],
  broken: () => ['app', 'app/9.9.9-broken/app.js', 'app/9.9.9-broken/app.css', '--percentage', '50'],
  ship: () => ['app', 'app/1.1.0/app.js', 'app/1.1.0/app.css', '--percentage', '30'],
};

/** Starts the demo; resolves to its two origins and a close(). */
export async function startDemo({ port = 8080, log = false } = {}) {
  const { main, startCollector } = await import(pathToFileURL(here('../dist/cli-main.js')).href);
  const work = mkdtempSync(join(tmpdir(), 'client-canary-demo-'));
  const configPath = join(work, 'canary-config.json');
  // A revision never seen before, at every start and reset: devices that the guard pinned to an
  // earlier revision (a broken canary of a previous run) are released, as by a real release.
  const restore = () => {
    const config = JSON.parse(readFileSync(here('bucket/canary-config.json'), 'utf8'));
    config.revision = `demo-${Date.now()}`;
    writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  };
  restore();

  const bucket = await startBucketServer({ root: here('bucket'), port: port ? port + 1 : 0, log });
  // max-age as the page's maxAgeMs (10 s), as the hosting guide says; the SDK revalidates anyway.
  const publish = () => bucket.put('/canary-config.json', readFileSync(configPath), { type: 'application/json', cacheControl: 'max-age=10' });
  publish();

  const runConsole = async (body, headers) => {
    // Only the page itself: a JSON request from another site would need a CORS preflight, which
    // this origin does not answer.
    if (!/^application\/json\b/.test(headers['content-type'] ?? '')) return { status: 415, body: { code: 1, output: 'expected application/json' } };
    let request;
    try {
      request = JSON.parse(body);
    } catch {
      return { status: 400, body: { code: 1, output: 'the body is not JSON' } };
    }
    const { command, ...args } = request ?? {};
    if (command === 'watch') {
      if (args.on) watchLoop.start();
      else watchLoop.stop();
      return { status: 200, body: { code: 0, output: watchLoop.log(), watching: watchLoop.on, config: JSON.parse(readFileSync(configPath, 'utf8')) } };
    }
    if (command === 'watch-log') return { status: 200, body: { code: 0, output: watchLoop.log(), watching: watchLoop.on, config: JSON.parse(readFileSync(configPath, 'utf8')) } };
    if (command === 'reset') {
      restore();
      publish();
      return { status: 200, body: { code: 0, output: 'demo config restored', config: JSON.parse(readFileSync(configPath, 'utf8')) } };
    }
    if (!Object.prototype.hasOwnProperty.call(CONSOLE, command)) return { status: 400, body: { code: 1, output: `unknown console command "${command}"` } };
    // The CLI itself, on the bucket's config: the same validation, changes, revision and atomic write.
    const argv = [command === 'broken' ? 'ship' : command, configPath, ...CONSOLE[command](args)];
    const lines = [];
    const code = await main(argv, { log: (line) => lines.push(line), error: (line) => lines.push(line) });
    publish();
    const shown = ['client-canary', ...argv].join(' ').replace(configPath, 'canary-config.json');
    return { status: 200, body: { code, output: `$ ${shown}\n${lines.join('\n')}`, config: JSON.parse(readFileSync(configPath, 'utf8')) } };
  };

  const collector = await startCollector({ port: port ? port + 2 : 0 });
  const { decide } = await import(pathToFileURL(here('../dist/index.js')).href);
  const watchLoop = createWatchLoop({ main, decide, configPath, collectorUrl: collector.url, publish });

  const app = await startBucketServer({
    root: here('app'),
    port,
    cacheControl: 'no-cache',
    log,
    cors: false,
    onPost: (path, body, headers) => (path === '/api/console' ? runConsole(body, headers) : Promise.resolve(undefined)),
  });
  const configUrl = bucket.url('/canary-config.json');
  const page = readFileSync(here('app/index.html'), 'utf8').replaceAll('{{CONFIG_URL}}', configUrl).replaceAll('{{BEACON_URL}}', `${collector.url}/r`);
  app.put('/', page, { type: 'text/html; charset=utf-8' });
  app.put('/index.html', page, { type: 'text/html; charset=utf-8' });
  for (const file of ['client-canary.min.js', 'client-canary.validate.js']) app.put(`/${file}`, readFileSync(here(`../dist/${file}`)));
  app.put('/demo.js', readFileSync(here('../dist/demo.js')));

  return {
    origin: app.origin,
    bucketOrigin: bucket.origin,
    collectorOrigin: collector.url,
    configUrl,
    async close() {
      watchLoop.stop();
      await Promise.all([app.close(), bucket.close(), collector.close()]);
      rmSync(work, { recursive: true, force: true });
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const demo = await startDemo({ port: Number(process.env.PORT ?? 8080) });
  console.log(`client-canary demo on ${demo.origin}/  (bucket ${demo.bucketOrigin}, collector ${demo.collectorOrigin}; Ctrl+C stops)`);
}
