// client-canary/server and the browser agree: a node:http server decides each request with the
// built package (by its name, through the exports map, as an app imports it) and renders what it
// decided; the page decides again, with createCanary bundled from npm (bootstrap) or with the
// script tag (cookie), and must come out the same, for the id the server set in the cookie.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFromNpm } from '../../scripts/app-bundle.mjs';
import type { CanaryClient } from '../../src/index';
import { useChromium } from '../helpers/chromium';

declare global {
  interface Window {
    canary?: CanaryClient;
    storedBefore?: string | null;
  }
}

const chromium = useChromium();

// The server's clock runs 2 h behind the browser's: the ramp is 1 h into its 40 % step on the
// server, and would be past its 100 % step on the browser's own clock. Only the bootstrap's
// serverDate (or the config's Date header) makes the two sides step together.
const SKEW_MS = 2 * 3_600_000;
const serverNow = () => Date.now() - SKEW_MS;

// An attribute that would end the bootstrap's script element if it were not escaped.
const HOSTILE_PLAN = '</script><script>window.pwned = 1</script>\u2028';

const config = {
  version: 1,
  revision: 'agree-1',
  features: {
    checkout: { percentage: 50, stable: { flags: { checkoutLayout: 'classic' } }, canary: { flags: { checkoutLayout: 'one-page' } } },
    search: {
      ramp: { start: new Date(serverNow() - 3_600_000).toISOString(), steps: [{ after: '0m', percentage: 40 }, { after: '2h', percentage: 100 }] },
      stable: { flags: { searchLimit: 20 } },
      canary: { flags: { searchLimit: 50 } },
    },
    pricing: { percentage: 100, match: { plan: ['pro', HOSTILE_PLAN] }, stable: { flags: { priceTable: false } }, canary: { flags: { priceTable: true } } },
  },
};

// The app's own entry, bundled from npm: it decides at once from what the server rendered.
const ENTRY = `import { createCanary } from 'client-canary';
const bootstrap = JSON.parse(document.getElementById('canary-bootstrap').textContent);
window.canary = createCanary({ configUrl: document.body.dataset.configUrl, bootstrap });
`;

interface Rendered {
  userId: string;
  cookieSet: boolean;
  variants: Record<string, string>;
  flags: Record<string, unknown>;
  searchPercentage: number;
}

/** JSON safe inside a script element. */
const inScript = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

let server: Server;
let origin: string;

beforeAll(async () => {
  const { canaryForRequest } = await import('client-canary/server');
  const chunks = new Map((await bundleFromNpm(ENTRY)).map(({ chunk }) => [`/app/${chunk.fileName}`, chunk.code]));
  const files = new Map(['client-canary.min.js', 'client-canary.validate.js'].map((f) => [`/${f}`, readFileSync(`dist/${f}`)]));
  expect(canaryForRequest(undefined, { config }).errors).toBeUndefined();
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const script = chunks.get(url.pathname) ?? files.get(url.pathname);
    if (script) return res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(script);
    if (url.pathname === '/canary-config.json')
      return res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache', Date: new Date(serverNow()).toUTCString() }).end(JSON.stringify(config));
    const tag = url.pathname === '/tag';
    if (url.pathname !== '/' && !tag) return res.writeHead(404).end();
    // The script tag takes no attributes: that page is decided without them on both sides.
    const plan = url.searchParams.get('plan');
    const canary = canaryForRequest(req, { config, now: serverNow(), ...(plan && !tag && { attributes: { plan } }) });
    const rendered: Rendered = { userId: canary.userId, cookieSet: !!canary.setCookie, variants: canary.variants(), flags: canary.flags(), searchPercentage: canary.decide('search').percentage };
    const head = tag
      ? '<script src="/client-canary.min.js" data-config="/canary-config.json"></script>'
      : `<script type="application/json" id="canary-bootstrap">${canary.bootstrapJson()}</script><script type="module" src="/app/entry.js"></script>`;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...(canary.setCookie && { 'Set-Cookie': canary.setCookie }) });
    res.end(
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">` +
        `<script type="application/json" id="server-decisions">${inScript(rendered)}</script>${head}</head>` +
        `<body data-config-url="/canary-config.json"></body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 30_000);

afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Opens `path` in `context`: what the server rendered and sent, what the page decided, and the id in the cookie and in localStorage. */
async function visit(context: BrowserContext, path: string, client: 'canary' | 'clientCanary' = 'canary') {
  const { page, errors, console } = await chromium.open(undefined, { context });
  // The id the page held before anything of the SDK ran.
  await page.addInitScript(() => (window.storedBefore = localStorage.getItem('client-canary:uid')));
  const response = await page.goto(origin + path, { waitUntil: 'commit' });
  // One trip into the page: the machine runs several browsers at once, and each trip costs.
  const [headers, seen] = await Promise.all([
    response!.allHeaders(),
    page.evaluate(
      async ({ name, cacheKey }) => {
        const until = async (check: () => unknown, what: string) => {
          for (const end = Date.now() + 10_000; !check(); await new Promise((resolve) => setTimeout(resolve, 10)))
            if (Date.now() > end) throw new Error(`no ${what} within 10 s`);
        };
        await until(() => window[name], `window.${name}`);
        const canary = window[name]!;
        await canary.ready();
        const { userId, variants } = canary.context();
        const browser = { userId, variants, flags: canary.flags() };
        const searchPercentage = canary.decide('search').percentage;
        // The background refresh fetched the served config and cached it for the next page load.
        await until(() => localStorage.getItem(cacheKey), 'cached config');
        return {
          server: JSON.parse(document.getElementById('server-decisions')!.textContent!) as Rendered,
          browser,
          searchPercentage,
          cookie: /(?:^|; )client_canary_uid=([^;]*)/.exec(document.cookie)?.[1],
          storedBefore: window.storedBefore,
          stored: localStorage.getItem('client-canary:uid'),
        };
      },
      { name: client, cacheKey: `client-canary:config:${origin}/canary-config.json` },
    ),
  ]);
  return { ...seen, setCookie: headers['set-cookie'], cookie: seen.cookie && decodeURIComponent(seen.cookie), errors, console };
}

type Visit = Awaited<ReturnType<typeof visit>>;

/** The browser made the server's decisions, by the server's id, with nothing on the console. */
function expectAgreement(run: Visit) {
  expect(run.browser).toEqual({ userId: run.server.userId, variants: run.server.variants, flags: run.server.flags });
  expect(run.searchPercentage).toBe(run.server.searchPercentage);
  expect(run.cookie).toBe(run.server.userId);
  expect(run.stored).toBe(run.server.userId);
  expect(run.errors).toEqual([]);
  expect(run.console.filter((line) => /^(error|warning)/.test(line))).toEqual([]);
}

describe('client-canary/server and the browser agree', () => {
  it('for 20 new users (createCanary with the bootstrap): each decides as the server rendered, by the cookie the server set', async () => {
    const runs: Visit[] = [];
    // Five at a time: starting each context's renderer is most of a visit's cost.
    for (let i = 0; i < 20; i += 5)
      runs.push(
        ...(await Promise.all(
          [i, i + 1, i + 2, i + 3, i + 4].map(async (n) => {
            const context = await chromium.newContext();
            const run = await visit(context, `/?plan=${n % 2 ? 'free' : 'pro'}`);
            await context.close();
            return run;
          }),
        )),
      );
    for (const run of runs) {
      expect(run.storedBefore).toBeNull();
      expect(run.setCookie).toMatch(new RegExp(`^client_canary_uid=${run.server.userId}; Path=/; Max-Age=31536000; SameSite=Lax$`));
      expectAgreement(run);
    }
    expect(new Set(runs.map((r) => r.server.userId)).size).toBe(20);
    // The ramp stood where the server's clock puts it, not the browser's.
    expect(runs.map((r) => r.searchPercentage)).toEqual(runs.map(() => 40));
    // Both variants of each feature among the users, so a page that decided alone could not pass.
    for (const feature of Object.keys(config.features)) expect(new Set(runs.map((r) => r.server.variants[feature]))).toEqual(new Set(['stable', 'canary']));
    expect(runs.map((r) => r.server.variants.pricing)).toEqual(runs.map((_, n) => (n % 2 ? 'stable' : 'canary')));
  }, 60_000); // 20 browsers on a machine that may be busy with other work: room beyond the default 30 s

  it('for a returning user: no new cookie, the same id and the same decisions', async () => {
    const context = await chromium.newContext();
    const first = await visit(context, '/?plan=pro');
    const again = await visit(context, '/?plan=pro');
    expect(first.setCookie).toBeDefined();
    expect(again.storedBefore).toBe(first.server.userId);
    expect(again.setCookie).toBeUndefined();
    expect(again.server).toEqual({ ...first.server, cookieSet: false });
    expectAgreement(first);
    expectAgreement(again);
  });

  it("for a user whose localStorage holds another id than the server's cookie: the server's id wins, and is stored", async () => {
    const context = await chromium.newContext();
    const first = await visit(context, '/?plan=free');
    expectAgreement(first);
    // The cookie is gone (cleared by the user, expired): the server sets a new id, the page still holds the old one.
    await context.clearCookies();
    const next = await visit(context, '/?plan=free');
    expect(next.setCookie).toBeDefined();
    expect(next.server.userId).not.toBe(first.server.userId);
    expect(next.storedBefore).toBe(first.server.userId);
    expectAgreement(next);
  });

  it('for attributes that would break out of the script element: bootstrapJson carries them intact', async () => {
    const context = await chromium.newContext();
    const run = await visit(context, `/?plan=${encodeURIComponent(HOSTILE_PLAN)}`);
    expectAgreement(run);
    // Matched on both sides: the browser read the very attribute the server decided with.
    expect(run.server.variants.pricing).toBe('canary');
  });

  it('for the script tag without a bootstrap: the loader reads the cookie the server set, and decides as the server did', async () => {
    const runs = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const context = await chromium.newContext();
        const run = await visit(context, '/tag', 'clientCanary');
        await context.close();
        return run;
      }),
    );
    for (const run of runs) {
      expect(run.storedBefore).toBeNull();
      expect(run.server.cookieSet).toBe(true);
      expectAgreement(run);
    }
    // Unmatched without attributes, on both sides; the ramp on the server's clock (the config's Date header).
    expect(runs.map((r) => r.server.variants.pricing)).toEqual(runs.map(() => 'stable'));
    expect(runs.map((r) => r.searchPercentage)).toEqual(runs.map(() => 40));
  });
});
