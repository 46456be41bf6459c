// Adversarial review of the script-tag loader: each test is an attack on the promise "every
// failure ends in one complete variant, never a blank page, never an uncaught error", or on the
// origin policy / Trusted Types / cache trust. Each asserts the behaviour the product should have.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useChromium } from '../helpers/chromium';
import { appConfig, CANARY, STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, site, publish, page: sitePage } = useSites();

const LOADER = () => readFileSync(resolve('dist', 'client-canary.min.js'));
const VALIDATOR = () => readFileSync(resolve('dist', 'client-canary.validate.js'));
const stableUrls = () => [bucket().url(`/app/${STABLE}/app.js`), bucket().url(`/app/${STABLE}/app.css`)].join(',');
const messages = (errors: Error[]) => errors.map((e) => e.message);
const settle = (page: Page, ms = 300) => page.evaluate((t) => new Promise((r) => setTimeout(r, t)), ms);
const runs = (page: Page) => page.evaluate(() => window.appRuns ?? []);
const colorOfApp = (page: Page) => page.evaluate(() => getComputedStyle(document.getElementById('app')!).color);
const BLUE = 'rgb(0, 0, 255)';

/** A raw HTML page on the site. */
let pages = 0;
const rawPage = (html: string, headers?: Record<string, string>) => {
  const path = `/attack-${++pages}.html`;
  site().put(path, `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">${html}`, { type: 'text/html; charset=utf-8' });
  if (headers) site().fault(path, { headers });
  return site().url(path);
};
const attrs = (a: Record<string, string>) => Object.entries(a).map(([k, v]) => ` data-${k}="${v}"`).join('');

/** An attacker's config on the site, whose stable is a script that marks the page pwned; its URL. */
const evilConfig = (dir: string) => {
  site().put(`/atk/${dir}/evil.js`, 'window.pwned = true; window.appVersion = "evil"; (window.appRuns = window.appRuns || []).push("evil");');
  site().put(`/atk/${dir}/evil-config.json`, JSON.stringify({ version: 1, revision: 'evil', features: { app: { percentage: 0, stable: { assets: ['evil.js'] } } } }), { type: 'application/json' });
  return site().url(`/atk/${dir}/evil-config.json`);
};

/** Opens `url` and asserts the real tag's stable app ran, the attacker's script did not, and nothing was thrown. */
async function expectStableNotPwned(url: string) {
  const { page, errors } = await chromium.open(url);
  await page.waitForFunction(() => window.appVersion);
  await settle(page);
  expect(await page.evaluate(() => (window as unknown as { pwned?: boolean }).pwned)).toBeUndefined();
  expect(await runs(page)).toEqual([STABLE]);
  expect(messages(errors)).toEqual([]);
}

/** A page whose loader sits alone in /atk/<dir>/ (no validator beside it unless a test puts one). */
const loaderPage = (dir: string, attributes: Record<string, string>) => {
  site().put(`/atk/${dir}/client-canary.min.js`, LOADER());
  return rawPage(`<script src="/atk/${dir}/client-canary.min.js"${attrs(attributes)}></script></head><body><div id="app"></div></body></html>`);
};

/** Init script: a stamped cache entry for `configUrl`, as writeCache writes it, `ageMs` old. */
const seedCache = (page: Page, configUrl: string, config: unknown, ageMs: number) =>
  page.addInitScript(
    ([key, value, age]) => {
      const entry = JSON.parse(value as string);
      entry.fetchedAt = Date.now() - (age as number);
      localStorage.setItem(key as string, JSON.stringify(entry));
    },
    [`client-canary:config:${configUrl}`, JSON.stringify({ config, serverDate: undefined, stamp: 'client-canary/1' }), ageMs] as const,
  );

describe('the loader as pages really include it', () => {
  it('reads its own tag when loaded with async', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/atk/async/canary-config.json');
    const url = rawPage(`<script async src="/client-canary.min.js"${attrs({ config, load: 'app' })}></script></head><body><div id="app"></div></body></html>`);
    const { page, errors } = await chromium.open(url);
    await page.waitForFunction(() => window.appVersion);
    await settle(page);
    expect(await runs(page)).toEqual([CANARY]);
    expect(messages(errors)).toEqual([]);
  });

  it('reads its own tag when injected by another script', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/atk/injected/canary-config.json');
    const url = rawPage(
      `<script>var s=document.createElement('script');s.src='/client-canary.min.js';s.dataset.config=${JSON.stringify(config)};s.dataset.load='app';document.head.appendChild(s);</script></head><body><div id="app"></div></body></html>`,
    );
    const { page, errors } = await chromium.open(url);
    await page.waitForFunction(() => window.appVersion);
    await settle(page);
    expect(await runs(page)).toEqual([CANARY]);
    expect(messages(errors)).toEqual([]);
  });

  it('resolves a relative data-config against the page, and relative assets against the config', async () => {
    site().put('/atk/rel/canary-config.json', JSON.stringify(appConfig({ percentage: 100, canary: { assets: [bucket().url(`/app/${CANARY}/app.js`)] } })), { type: 'application/json' });
    const url = rawPage(`<script src="/client-canary.min.js"${attrs({ config: 'atk/rel/canary-config.json', load: 'app' })}></script></head><body><div id="app"></div></body></html>`);
    const { page, errors } = await chromium.open(url);
    await page.waitForFunction(() => window.appVersion);
    expect(await runs(page)).toEqual([CANARY]);
    expect(messages(errors)).toEqual([]);
  });

  it('refuses hostile data-fallback URLs (javascript:, data:) and ends without an uncaught error', async () => {
    const config = bucket().url('/atk/hostile-fb/missing.json');
    const url = sitePage({ config, load: 'app', fallback: "javascript:window.pwned=1,data:text/javascript,window.pwned=2" });
    const { page, errors } = await chromium.open(url);
    await page.evaluate(() => window.clientCanary!.ready());
    await settle(page);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(messages(errors)).toEqual([]);
  });
});

describe('the validator chunk', () => {
  it('on a cold start with the validator missing (404/403 beside the loader), ends on data-fallback without an uncaught error', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/atk/noval/canary-config.json');
    const url = loaderPage('noval', { config, load: 'app', fallback: stableUrls() });
    const { page, errors } = await chromium.open(url);
    await page.waitForFunction(() => window.appVersion);
    await settle(page);
    expect(await runs(page)).toEqual([STABLE]);
    expect(messages(errors)).toEqual([]);
  });

  it('on a cold start with a validator whose bytes a CDN rewrote (integrity mismatch), ends on data-fallback', async () => {
    site().put('/atk/badval/client-canary.validate.js', Buffer.concat([VALIDATOR(), Buffer.from('\n/* cdn */\n')]));
    const config = publish(appConfig({ percentage: 100 }), '/atk/badval/canary-config.json');
    const url = loaderPage('badval', { config, load: 'app', fallback: stableUrls() });
    const { page, errors } = await chromium.open(url);
    await page.waitForFunction(() => window.appVersion);
    await settle(page);
    expect(await runs(page)).toEqual([STABLE]);
    expect(messages(errors)).toEqual([]);
  });

  it('on a warm start with the validator missing, still runs the cached variant without an uncaught error', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/atk/warmnoval/canary-config.json');
    const url = loaderPage('warmnoval', { config, load: 'app', fallback: stableUrls() });
    const run = await chromium.open();
    await seedCache(run.page, config, appConfig({ percentage: 100 }), 1000);
    await run.page.goto(url);
    await run.page.waitForFunction(() => window.appVersion);
    await settle(run.page);
    expect(await runs(run.page)).toEqual([CANARY]);
    expect(messages(run.errors)).toEqual([]);
  });
});

describe('cache entries', () => {
  it('does not use a cache entry written for another configUrl', async () => {
    const config = publish(appConfig({ percentage: 0 }), '/atk/other-url/canary-config.json');
    const run = await chromium.open();
    await seedCache(run.page, bucket().url('/atk/other-url/elsewhere.json'), appConfig({ percentage: 100 }), 1000);
    await run.page.goto(sitePage({ config, load: 'app' }));
    await run.page.waitForFunction(() => window.appVersion);
    await settle(run.page);
    expect(await runs(run.page)).toEqual([STABLE]);
    expect(messages(run.errors)).toEqual([]);
  });

  it('does not trust an unstamped entry (an older SDK or a hand-written one): the cold path decides', async () => {
    const config = publish(appConfig({ percentage: 0 }), '/atk/unstamped/canary-config.json');
    const run = await chromium.open();
    await run.page.addInitScript(
      ([key, value]) => localStorage.setItem(key, value.replace('NOW', String(Date.now() - 1000))),
      [`client-canary:config:${config}`, `{"config":${JSON.stringify(appConfig({ percentage: 100 }))},"fetchedAt":NOW}`] as const,
    );
    await run.page.goto(sitePage({ config, load: 'app' }));
    await run.page.waitForFunction(() => window.appVersion);
    await settle(run.page);
    expect(await runs(run.page)).toEqual([STABLE]);
    expect(messages(run.errors)).toEqual([]);
  });

  it('a warm start whose cached config has a feature the fresh config dropped runs the cached assets once, no error', async () => {
    const config = publish({ version: 1, revision: 'r2', features: {} }, '/atk/dropped/canary-config.json');
    const run = await chromium.open();
    await seedCache(run.page, config, appConfig({ percentage: 100 }), 1000);
    await run.page.goto(sitePage({ config, load: 'app', fallback: stableUrls() }));
    await run.page.waitForFunction(() => window.appVersion);
    await settle(run.page);
    expect(await runs(run.page)).toEqual([CANARY]);
    expect(messages(run.errors)).toEqual([]);
  });
});

describe('assets shared between variants', () => {
  it('a canary that lists the same script URL as stable, and fails, runs that shared script once and then stable', async () => {
    bucket().put('/atk/shared/shared.js', '(window.sharedRuns = window.sharedRuns || 0), window.sharedRuns++;');
    bucket().fault('/atk/shared/missing.js', { status: 404 });
    const config = publish(
      appConfig({ percentage: 100, canary: { assets: ['shared.js', 'missing.js'] }, stable: { assets: ['shared.js', `/app/${STABLE}/app.js`, `/app/${STABLE}/app.css`] } }),
      '/atk/shared/canary-config.json',
    );
    const { page, errors } = await chromium.open(sitePage({ config, load: 'app' }));
    await page.waitForFunction(() => window.appVersion);
    await settle(page);
    expect(await runs(page)).toEqual([STABLE]);
    expect(await page.evaluate(() => (window as unknown as { sharedRuns: number }).sharedRuns)).toBe(1);
    await expect.poll(() => colorOfApp(page)).toBe(BLUE);
    expect(messages(errors)).toEqual([]);
  });
});

describe('the Trusted Types policy', () => {
  it('with an origin policy, refuses (and does not sign) a canary script from an origin outside it; stable runs', async () => {
    const config = publish(
      appConfig({ percentage: 100, canary: { assets: [site().url('/atk/tt/evil.js')] } }),
      '/atk/tt/canary-config.json',
    );
    site().put('/atk/tt/evil.js', 'window.pwned = true;');
    const url = sitePage(
      { config, load: 'app', 'allowed-origins': bucket().origin },
      { headers: { 'Content-Security-Policy': "require-trusted-types-for 'script'; trusted-types client-canary" } },
    );
    await expectStableNotPwned(url);
  });
});

// Each of these broke the product once (an adversarial review): a clobbered document.currentScript,
// the tag twice, shared style sheets, overrides after the assets ran, a hostile cache entry, a
// rollback behind a missing validator, a cached config missing a feature, a page-relative
// fallback, a script shared by canary and stable.
describe('attacks found in review, fixed', () => {
  it('clobbered document.currentScript: an <img name=currentScript> in the page does not choose the config', async () => {
    const config = publish(appConfig({ percentage: 0 }), '/atk/clobber/canary-config.json');
    // The attacker's config, on an origin it controls (the site stands in for it), whose stable runs its script.
    const evil = evilConfig('clobber');
    const url = rawPage(
      `<script defer src="/client-canary.min.js"${attrs({ config, load: 'app', 'allowed-origins': bucket().origin })}></script></head>` +
        `<body><div id="app"></div><div class="comment"><img name="currentScript" src="${site().url('/client-canary.min.js')}" data-config="${evil}" data-load="app"></div></body></html>`,
      { 'Content-Security-Policy': "require-trusted-types-for 'script'; trusted-types client-canary" },
    );
    await expectStableNotPwned(url);
  });

  it('clobbered document.currentScript with the loader at the end of body (no defer)', async () => {
    const config = publish(appConfig({ percentage: 0 }), '/atk/clobber2/canary-config.json');
    const evil = evilConfig('clobber2');
    const url = rawPage(
      `</head><body><div id="app"></div><p>user comment: <img name="currentScript" src="${site().url('/client-canary.min.js')}" data-config="${evil}" data-load="app" data-allowed-origins="${site().origin}"></p>` +
        `<script src="/client-canary.min.js"${attrs({ config, load: 'app', 'allowed-origins': bucket().origin })}></script></body></html>`,
    );
    await expectStableNotPwned(url);
  });

  it('the loader included twice runs the app once', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/atk/twice/canary-config.json');
    const tag = `<script src="/client-canary.min.js"${attrs({ config, load: 'app' })}></script>`;
    const url = rawPage(`${tag}</head><body><div id="app"></div>${tag}</body></html>`);
    const { page, errors } = await chromium.open(url);
    await page.waitForFunction(() => window.appVersion);
    await settle(page, 500);
    expect(await runs(page)).toEqual([CANARY]);
    expect(messages(errors)).toEqual([]);
  });

  it('a feature whose canary fails does not take away a style sheet another feature loaded', async () => {
    bucket().put('/atk/css/base.css', '#app { font-weight: 700; }');
    bucket().put('/atk/css/w1.js', 'window.widget = 1;');
    bucket().fault('/atk/css/w2.js', { status: 404 });
    const config = publish(
      {
        version: 1,
        revision: 'css',
        features: {
          app: { percentage: 0, stable: { assets: [`/app/${STABLE}/app.js`, 'base.css'] } },
          widget: { percentage: 100, stable: { assets: ['w1.js'] }, canary: { assets: ['base.css', 'w2.js'] } },
        },
      },
      '/atk/css/canary-config.json',
    );
    const { page, errors } = await chromium.open(sitePage({ config, load: 'app,widget' }));
    await page.waitForFunction(() => (window as unknown as { widget?: number }).widget);
    await settle(page);
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('app')!).fontWeight)).toBe('700');
    expect(messages(errors)).toEqual([]);
  });

  it('after override() and loadAssets(), isCanary says what actually runs', async () => {
    const config = publish(appConfig({ percentage: 0 }), '/atk/override/canary-config.json');
    const { page, errors } = await chromium.open(sitePage({ config, load: 'app' }));
    await page.waitForFunction(() => window.appVersion);
    const after = await page.evaluate(async () => {
      const c = window.clientCanary!;
      c.override('app', 'canary');
      await c.loadAssets('app');
      await new Promise((r) => setTimeout(r, 300));
      return { isCanary: c.isCanary('app'), variant: c.variant('app'), runs: window.appRuns };
    });
    expect(after.runs).toEqual([STABLE]);
    expect(after).toMatchObject({ isCanary: false, variant: 'stable' });
    expect(messages(errors)).toEqual([]);
  });

  it('a stamped cache entry of a hostile shape (a feature that is null) causes no uncaught error and still ends on an app', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/atk/nullfeature/canary-config.json');
    const run = await chromium.open();
    await seedCache(run.page, config, { version: 1, revision: 'x', features: { app: null, other: { stable: { assets: [`/app/${STABLE}/app.js`] } } } }, 1000);
    await run.page.goto(sitePage({ config }));
    await settle(run.page, 1000);
    expect(messages(run.errors)).toEqual([]);
    expect(await run.page.evaluate(() => typeof window.clientCanary)).toBe('object');
    expect((await runs(run.page)).length).toBe(1);
  });

  it('a rollback reaches a returning user after maxAgeMs even when the validator chunk cannot load', async () => {
    site().put('/atk/rollback/client-canary.validate.js', Buffer.concat([VALIDATOR(), Buffer.from('\n/* cdn rewrote */\n')]));
    // The operator rolled back: 0 %. The device cached the 100 % config 2 minutes ago.
    const config = publish(appConfig({ percentage: 0 }, 'rolled-back'), '/atk/rollback/canary-config.json');
    const url = loaderPage('rollback', { config, load: 'app', fallback: stableUrls() });
    const run = await chromium.open();
    await seedCache(run.page, config, appConfig({ percentage: 100 }, 'r1'), 120_000);
    await run.page.goto(url);
    await run.page.waitForFunction(() => window.appVersion);
    await settle(run.page);
    expect(await runs(run.page)).toEqual([STABLE]);
    expect(messages(run.errors)).toEqual([]);
  });

  it('says, without an uncaught error, that nothing could run when the validator chunk is missing on a cold start and the page gives no data-fallback', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/atk/noval2/canary-config.json');
    const url = loaderPage('noval2', { config, load: 'app' });
    const { page, errors, console: printed } = await chromium.open(url);
    await page.evaluate(() => window.clientCanary!.ready());
    await settle(page, 500);
    // An unchecked config is never used: with no fallback, every step of the chain fails, and says so.
    expect(await runs(page)).toEqual([]);
    expect(printed.join('\n')).toMatch(/the client could not load: .*client-canary\.validate\.js could not load.*; the page runs stable/);
    expect(printed.join('\n')).toMatch(/no assets of "app" could run/);
    expect(messages(errors)).toEqual([]);
  });

  it('a warm start whose cached config lacks the data-load feature the fresh config has (no data-fallback) ends on an app', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/atk/added/canary-config.json');
    const run = await chromium.open();
    await seedCache(run.page, config, { version: 1, revision: 'r0', features: { other: { percentage: 0, stable: { assets: [] } } } }, 1000);
    await run.page.goto(sitePage({ config, load: 'app' }));
    await settle(run.page, 1000);
    expect((await runs(run.page)).length).toBe(1);
    expect(messages(run.errors)).toEqual([]);
  });

  it('a page-relative data-fallback loads when the config fails, with data-allowed-origins set', async () => {
    site().put('/atk/relfb/app.js', 'window.appVersion = "local"; (window.appRuns = window.appRuns || []).push("local");');
    const url = sitePage({ config: bucket().url('/atk/relfb/missing.json'), load: 'app', fallback: '/atk/relfb/app.js', 'allowed-origins': bucket().origin });
    const { page, errors } = await chromium.open(url);
    await page.evaluate(() => window.clientCanary!.ready());
    await settle(page, 500);
    expect(await runs(page)).toEqual(['local']);
    expect(messages(errors)).toEqual([]);
  });

  it('an error thrown by a script that stable and canary share does not trip the guard for a stable user', async () => {
    bucket().put('/atk/sharederr/shared.js', 'setTimeout(function () { throw new Error("shared bug"); }, 20);');
    bucket().fault('/atk/sharederr/missing.js', { status: 404 });
    const config = publish(
      appConfig({ percentage: 100, canary: { assets: ['shared.js', 'missing.js'] }, stable: { assets: ['shared.js', `/app/${STABLE}/app.js`] } }),
      '/atk/sharederr/canary-config.json',
    );
    const { page } = await chromium.open(sitePage({ config, load: 'app' }));
    await page.waitForFunction(() => window.appVersion);
    await settle(page, 300);
    const guard = await page.evaluate(() => localStorage.getItem('client-canary:guard'));
    // One failure for the skipped canary (count 1), not a second one for stable's own script.
    expect(JSON.parse(guard!).app.count).toBe(1);
  });
});
