// The fault matrix in Chromium: every way the config, the device's storage or a canary can fail,
// one row each. Each row says which app ran (1.0.0 stable, 2.0.0 canary), that the page had no
// uncaught error but the one a row throws on purpose from canary code, and how long after the
// navigation started the first asset tag went in. afterAll prints the table for the README.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useChromium, type PageRun } from '../helpers/chromium';
import { appConfig, CANARY, STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, site, publish, page: sitePage } = useSites();

/** What the init scripts and the apps leave on `window`. */
type Probe = Window & {
  appRuns?: string[];
  firstAssetTag?: number;
  /** Whether asset tags were in the document when the page first called fetch. */
  tagsBeforeFetch?: boolean;
  stillWorking?: boolean;
};

// ---- the table ---------------------------------------------------------------------------------

const table: { row: string; app: string; ms: number | undefined }[] = [];
const note = (row: string, app: string, ms: number | undefined) => table.push({ row, app, ms });

afterAll(() => {
  const lines = [
    '| row | app that ran | first asset tag (ms) |',
    '| --- | --- | ---: |',
    ...table.map(({ row, app, ms }) => `| ${row} | ${app} | ${ms === undefined ? '—' : Math.round(ms)} |`),
  ];
  console.log(`\nFault matrix (Chromium):\n\n${lines.join('\n')}\n`);
});

// ---- page helpers ------------------------------------------------------------------------------

/** Init script: the time (performance.now(), from navigation start) the first asset tag was added. */
function watchFirstAssetTag() {
  const probe = window as Probe;
  new MutationObserver((records, observer) => {
    for (const record of records)
      for (const node of Array.from(record.addedNodes))
        if (node instanceof Element && node.hasAttribute('data-client-canary')) {
          probe.firstAssetTag = performance.now();
          observer.disconnect();
          return;
        }
  }).observe(document, { childList: true, subtree: true });
}

interface Loaded extends PageRun {
  /** Every app that ran on the page, in order (each pushes its version). */
  runs: string[];
  firstAssetTag: number | undefined;
}

/**
 * Opens `url` in a new page (of `context`, else a fresh one) with the first-tag observer, after
 * `before` (init scripts, routes); waits until an app ran and a little more, so that a second app
 * or a late uncaught error would be seen.
 */
async function load(url: string, options: { context?: BrowserContext; before?: (page: Page) => Promise<unknown> } = {}): Promise<Loaded> {
  const run = await chromium.open(undefined, { context: options.context });
  await run.page.addInitScript(watchFirstAssetTag);
  await options.before?.(run.page);
  await run.page.goto(url);
  await run.page.waitForFunction(() => (window as Probe).appRuns?.length, undefined, { timeout: 10_000 });
  // The page's own tasks get 100 ms to do anything else (a second chain step, a throw); this
  // round trip also delivers any pageerror raised before it.
  await run.page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
  const { runs, firstAssetTag } = await run.page.evaluate(() => ({ runs: (window as Probe).appRuns ?? [], firstAssetTag: (window as Probe).firstAssetTag }));
  return { ...run, runs, firstAssetTag };
}

const decision = (page: Page) =>
  page.evaluate(async () => {
    await window.clientCanary!.ready();
    return window.clientCanary!.decide('app');
  });
const messages = (errors: Error[]) => errors.map((e) => e.message);
const stableUrls = () => [bucket().url(`/app/${STABLE}/app.js`), bucket().url(`/app/${STABLE}/app.css`)].join(',');
const colorOfApp = (page: Page) => page.evaluate(() => getComputedStyle(document.getElementById('app')!).color);
const BLUE = 'rgb(0, 0, 255)'; // stable's style sheet
const RED = 'rgb(255, 0, 0)'; // canary's

/** A healthy config (everyone in the canary, so a used config and the fallback differ) at its own path. */
const healthy = (name: string, app: Record<string, unknown> = {}) =>
  publish(appConfig({ percentage: 100, ...app }, name), `/faults/${name}/canary-config.json`);
const pathOf = (configUrl: string) => new URL(configUrl).pathname;

/** A canary build of the app (2.0.0, as the bucket's) followed by `then`, run in the same script. */
const canaryApp = (then: string) => `(function () {
  var el = document.getElementById('app');
  if (el) { el.setAttribute('data-version', '${CANARY}'); el.textContent = 'app ${CANARY}'; }
  window.appVersion = '${CANARY}';
  (window.appRuns = window.appRuns || []).push('${CANARY}');
  ${then}
})();\n`;

// ---- the config fails: the page's data-fallback (stable) runs -----------------------------------

describe('a config that cannot be used ends on the stable app from data-fallback', () => {
  const rows: { name: string; label: string; why: RegExp; timeout?: string; breakIt: (configUrl: string) => void; before?: (page: Page, configUrl: string) => Promise<unknown> }[] = [
    { name: 'http-500', label: 'config answers 500', why: /HTTP 500/, breakIt: (c) => bucket().fault(pathOf(c), { status: 500 }) },
    { name: 'http-403', label: 'config answers 403', why: /HTTP 403/, breakIt: (c) => bucket().fault(pathOf(c), { status: 403 }) },
    { name: 'http-404', label: 'config answers 404', why: /HTTP 404/, breakIt: (c) => bucket().fault(pathOf(c), { status: 404 }) },
    { name: 'html', label: 'config is an HTML page (200 text/html)', why: /not valid JSON/, breakIt: (c) => bucket().fault(pathOf(c), { html: true }) },
    { name: 'truncated', label: 'config JSON cut off mid-body', why: /body could not be read|not valid JSON/, breakIt: (c) => bucket().fault(pathOf(c), { truncate: true }) },
    { name: 'hang', label: 'config never answers (timeout 300 ms)', why: /timed out after 300 ms/, timeout: '300', breakIt: (c) => bucket().fault(pathOf(c), { hang: true }) },
    { name: 'drip', label: 'config drips a byte every 100 ms (timeout 300 ms)', why: /timed out after 300 ms/, timeout: '300', breakIt: (c) => bucket().fault(pathOf(c), { dripMs: 100 }) },
    { name: 'oversize', label: 'config body over 256 KiB', why: /larger than 262144 bytes/, breakIt: (c) => bucket().fault(pathOf(c), { oversize: 300 * 1024 }) },
    { name: 'no-cors', label: 'config without CORS headers', why: /network or CORS/, breakIt: (c) => bucket().fault(pathOf(c), { noCors: true }) },
    {
      name: 'offline',
      label: 'offline (config request aborted: internetdisconnected)',
      why: /network or CORS/,
      breakIt: () => undefined,
      before: (page, c) => page.route(c, (route) => route.abort('internetdisconnected')),
    },
  ];
  const sentence: Record<string, string> = {
    'http-500': 'answers 500',
    'http-403': 'answers 403',
    'http-404': 'answers 404',
    html: 'answers 200 with an HTML page',
    truncated: 'is cut off in the middle of its JSON',
    hang: 'never answers and the 300 ms timeout aborts it',
    drip: 'drips its bytes slowly past the 300 ms timeout',
    oversize: 'is larger than 256 KiB',
    'no-cors': 'comes without CORS headers',
    offline: 'cannot be reached because the device is offline',
  };

  for (const row of rows) {
    it(`ends on the stable app when the config ${sentence[row.name]}`, async () => {
      const config = healthy(row.name);
      row.breakIt(config);
      const attributes: Record<string, string> = { config, load: 'app', fallback: stableUrls() };
      if (row.timeout) attributes.timeout = row.timeout;
      const started = Date.now();
      const { page, errors, runs, firstAssetTag } = await load(sitePage(attributes), { before: row.before && ((page) => row.before!(page, config)) });
      note(row.label, runs.join(', '), firstAssetTag);
      expect(runs).toEqual([STABLE]);
      expect(await decision(page)).toMatchObject({ variant: 'stable', reason: 'fallback', error: expect.stringMatching(row.why) });
      await expect.poll(() => colorOfApp(page)).toBe(BLUE);
      expect(firstAssetTag).toBeGreaterThan(0);
      if (row.timeout) expect(Date.now() - started).toBeLessThan(5000); // the timeout, not the drip, ended it
      expect(messages(errors)).toEqual([]);
    });
  }

  it('follows a 302 to another origin that serves the config (with CORS) and uses that config', async () => {
    // The bucket redirects; the other origin (the site here) serves a config whose canary runs.
    const mirror = appConfig(
      {
        percentage: 100,
        stable: { assets: [bucket().url(`/app/${STABLE}/app.js`), bucket().url(`/app/${STABLE}/app.css`)] },
        canary: { assets: [bucket().url(`/app/${CANARY}/app.js`), bucket().url(`/app/${CANARY}/app.css`)] },
      },
      'mirror',
    );
    site().put('/mirror/canary-config.json', JSON.stringify(mirror), { type: 'application/json' });
    const config = bucket().url('/faults/redirect/canary-config.json');
    bucket().fault('/faults/redirect/canary-config.json', { redirect: site().url('/mirror/canary-config.json') });
    const served = site().count('/mirror/canary-config.json');
    const { page, errors, runs, firstAssetTag } = await load(sitePage({ config, load: 'app', fallback: stableUrls() }));
    note('config 302 to another origin (CORS allowed)', runs.join(', '), firstAssetTag);
    expect(site().count('/mirror/canary-config.json')).toBe(served + 1);
    expect(runs).toEqual([CANARY]);
    expect(await decision(page)).toMatchObject({ variant: 'canary', reason: 'rollout', revision: 'mirror' });
    expect(messages(errors)).toEqual([]);
  });
});

// ---- the device's storage fails: the real config still decides ----------------------------------

describe('storage that fails still ends on the variant the config gives', () => {
  const throwingStorage = () => {
    const refuse = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    Storage.prototype.getItem = refuse;
    Storage.prototype.setItem = refuse;
  };
  const fullStorage = () => {
    Storage.prototype.setItem = () => {
      throw new DOMException("Failed to execute 'setItem' on 'Storage': Setting the value exceeded the quota.", 'QuotaExceededError');
    };
  };
  const cookiesOff = () => {
    const refuse = () => {
      throw new DOMException('Access is denied for this document.', 'SecurityError');
    };
    Object.defineProperty(Document.prototype, 'cookie', { configurable: true, get: refuse, set: refuse });
  };
  const cookie = (page: Page) => page.context().cookies().then((all) => all.find((c) => c.name === 'client_canary_uid')?.value);

  it('runs the canary the config gives when localStorage getItem and setItem throw, keeping the id in the cookie', async () => {
    const config = healthy('storage-throws');
    const { page, errors, runs, firstAssetTag } = await load(sitePage({ config }), { before: (p) => p.addInitScript(throwingStorage) });
    note('localStorage getItem/setItem throw', runs.join(', '), firstAssetTag);
    expect(runs).toEqual([CANARY]);
    const d = await decision(page);
    expect(d).toMatchObject({ variant: 'canary', reason: 'rollout', revision: 'storage-throws', userIdSource: 'generated' });
    expect(await cookie(page)).toBe(await page.evaluate(() => window.clientCanary!.context().userId));
    expect(messages(errors)).toEqual([]);
  });

  it('runs the canary the config gives when setItem throws QuotaExceededError, and says the config was not cached', async () => {
    const config = healthy('quota');
    const { page, errors, console, runs, firstAssetTag } = await load(sitePage({ config }), { before: (p) => p.addInitScript(fullStorage) });
    note('quota exceeded (setItem throws QuotaExceededError)', runs.join(', '), firstAssetTag);
    expect(runs).toEqual([CANARY]);
    expect(await decision(page)).toMatchObject({ variant: 'canary', reason: 'rollout', revision: 'quota' });
    expect(console.join('\n')).toContain('the config could not be cached');
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(messages(errors)).toEqual([]);
  });

  it('runs the canary the config gives when document.cookie throws, keeping the id in localStorage', async () => {
    const config = healthy('cookies-off');
    const { page, errors, runs, firstAssetTag } = await load(sitePage({ config }), { before: (p) => p.addInitScript(cookiesOff) });
    note('cookies off (document.cookie throws)', runs.join(', '), firstAssetTag);
    expect(runs).toEqual([CANARY]);
    expect(await decision(page)).toMatchObject({ variant: 'canary', reason: 'rollout', revision: 'cookies-off', userIdSource: 'generated' });
    expect(await page.evaluate(() => localStorage.getItem('client-canary:uid'))).toBe(await page.evaluate(() => window.clientCanary!.context().userId));
    expect(messages(errors)).toEqual([]);
  });

  it('runs the canary the config gives with both storage and cookies refused, the id living in memory', async () => {
    const config = healthy('no-storage');
    const { page, errors, runs, firstAssetTag } = await load(sitePage({ config }), {
      before: async (p) => {
        await p.addInitScript(throwingStorage);
        await p.addInitScript(cookiesOff);
      },
    });
    note('localStorage and cookies both throw', runs.join(', '), firstAssetTag);
    expect(runs).toEqual([CANARY]);
    expect(await decision(page)).toMatchObject({ variant: 'canary', reason: 'rollout', userIdSource: 'memory' });
    expect(messages(errors)).toEqual([]);
  });

  // The real config says 0 %: stable by rollout. Each tampered entry says canary for everyone.
  const tampered: [string, string][] = [
    ['schema-invalid', 'tampered cache: schema-invalid config at 100 %'],
    ['dated in the future', 'tampered cache: 100 % with fetchedAt a day ahead'],
    ['not JSON', 'tampered cache: not JSON'],
  ];
  /** Init script: writes the tampered entry before the SDK runs ("now" is the page's clock). */
  const tamper = ({ key, kind }: { key: string; kind: string }) => {
    const everyone = (extra: Record<string, unknown>) => ({
      version: 1,
      revision: 'tampered',
      features: { app: { percentage: 100, stable: { assets: ['/app/1.0.0/app.js'] }, canary: { assets: ['/app/2.0.0/app.js'] }, ...extra } },
    });
    const value =
      kind === 'schema-invalid'
        ? JSON.stringify({ config: everyone({ evil: true }), fetchedAt: Date.now() })
        : kind === 'dated in the future'
          ? JSON.stringify({ config: everyone({}), fetchedAt: Date.now() + 864e5 })
          : '{"config": {"version": 1, "features": {"app": {"percentage": 10';
    localStorage.setItem(key, value);
  };
  it.each(tampered)('ignores a tampered cached config (%s) and ends on the variant the real config gives', async (kind, label) => {
    const config = publish(appConfig({ percentage: 0 }, 'real'), '/faults/tamper/canary-config.json');
    const key = `client-canary:config:${config}`;
    const { page, errors, runs, firstAssetTag } = await load(sitePage({ config }), { before: (p) => p.addInitScript(tamper, { key, kind }) });
    note(label, runs.join(', '), firstAssetTag);
    expect(runs).toEqual([STABLE]);
    expect(await decision(page)).toMatchObject({ variant: 'stable', reason: 'rollout', revision: 'real', percentage: 0 });
    // The fetched config replaced the tampered entry.
    const cached = await page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? 'null') as { config?: { revision?: string } } | null, key);
    expect(cached?.config?.revision).toBe('real');
    expect(messages(errors)).toEqual([]);
  });
});

// ---- the canary fails --------------------------------------------------------------------------

describe('a canary that fails', () => {
  it('runs the stable app in the same page load when a canary script answers 404, and decides stable', async () => {
    bucket().fault('/faults/canary-404/app.js', { status: 404 });
    const config = healthy('canary-404', { canary: { assets: ['app.js', `/app/${CANARY}/app.css`] } });
    const { page, errors, runs, firstAssetTag } = await load(sitePage({ config }));
    note('canary script 404', runs.join(', '), firstAssetTag);
    expect(runs).toEqual([STABLE]);
    expect(await decision(page)).toMatchObject({ variant: 'stable', reason: 'guarded' });
    await expect.poll(() => colorOfApp(page)).toBe(BLUE);
    expect(await page.evaluate(() => localStorage.getItem('client-canary:guard'))).toContain('canary-404');
    expect(messages(errors)).toEqual([]);
  });

  it('applies none of a failed-over canary\'s style sheets once a canary script 404s and stable runs instead', async () => {
    // A canary-only rule (stable has none like it), so a leftover canary sheet shows.
    bucket().put('/faults/canary-404-css/app.css', 'body { background-color: rgb(255, 0, 0); }\n');
    bucket().fault('/faults/canary-404-css/app.js', { status: 404 });
    const config = healthy('canary-404-css', { canary: { assets: ['app.js', 'app.css'] } });
    const { page, errors, runs } = await load(sitePage({ config }));
    expect(runs).toEqual([STABLE]);
    await expect.poll(() => colorOfApp(page)).toBe(BLUE);
    // The skipped canary's style sheet is gone or disabled, and none of its rules apply.
    const canarySheets = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLLinkElement>('link[data-client-canary]'))
        .filter((link) => link.href.includes('/faults/canary-404-css/') && !link.disabled)
        .map((link) => link.href),
    );
    expect(canarySheets).toEqual([]);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(RED);
    expect(messages(errors)).toEqual([]);
  });

  it('runs a canary that throws later, trips the guard, and gives the next load of the same device the stable app', async () => {
    bucket().put('/faults/late/app.js', canaryApp("setTimeout(function () { throw new Error('late canary bug'); }, 30);"));
    const config = healthy('late', { canary: { assets: ['app.js', `/app/${CANARY}/app.css`] } });
    const url = sitePage({ config });
    const context = await chromium.newContext();
    const first = await load(url, { context });
    expect(first.runs).toEqual([CANARY]);
    await first.page.waitForFunction(() => localStorage.getItem('client-canary:guard')?.includes('late'));
    expect(messages(first.errors)).toEqual(['late canary bug']); // the canary's own, nothing of the SDK
    // This page keeps the canary it started; the pin is for the next load.
    expect(await decision(first.page)).toMatchObject({ variant: 'canary', reason: 'rollout' });
    await first.page.close();

    const second = await load(url, { context });
    note('canary throws later (setTimeout), then the next load', `${first.runs.join(', ')}, then ${second.runs.join(', ')}`, first.firstAssetTag);
    expect(second.runs).toEqual([STABLE]);
    expect(await decision(second.page)).toMatchObject({ variant: 'stable', reason: 'guarded' });
    expect(messages(second.errors)).toEqual([]);
  });

  it('keeps the page working after an unhandled promise rejection in the canary, which the guard does not count', async () => {
    bucket().put(
      '/faults/rejection/app.js',
      canaryApp("Promise.reject(new Error('canary rejection')); setTimeout(function () { window.stillWorking = true; }, 50);"),
    );
    const config = healthy('rejection', { canary: { assets: ['app.js', `/app/${CANARY}/app.css`] } });
    const url = sitePage({ config });
    const context = await chromium.newContext();
    const first = await load(url, { context });
    note('canary rejects a promise (unhandled), then the next load', first.runs.join(', '), first.firstAssetTag);
    expect(first.runs).toEqual([CANARY]);
    // The only uncaught error is the canary's own rejection; the page goes on.
    expect(messages(first.errors)).toEqual(['canary rejection']);
    expect(await first.page.evaluate(() => (window as Probe).stillWorking)).toBe(true);
    expect(await decision(first.page)).toMatchObject({ variant: 'canary', reason: 'rollout' });
    await expect.poll(() => colorOfApp(first.page)).toBe(RED);
    // The guard counts window `error` events from canary scripts (SPEC 6); a rejection is not
    // one (it has no script URL to attribute), so nothing is pinned and the canary runs again.
    expect(await first.page.evaluate(() => localStorage.getItem('client-canary:guard'))).toBeNull();
    await first.page.close();
    const second = await load(url, { context });
    table[table.length - 1]!.app = `${first.runs.join(', ')}, then ${second.runs.join(', ')}`;
    expect(second.runs).toEqual([CANARY]);
    expect(await decision(second.page)).toMatchObject({ variant: 'canary', reason: 'rollout' });
  });
});

// ---- baselines for the time measure ------------------------------------------------------------

describe('baselines', () => {
  it('inserts the canary tags after one config request on a cold healthy load', async () => {
    const config = healthy('cold');
    const before = bucket().count(pathOf(config));
    const { page, errors, runs, firstAssetTag } = await load(sitePage({ config }));
    note('healthy, cold (no cache)', runs.join(', '), firstAssetTag);
    expect(runs).toEqual([CANARY]);
    expect(bucket().count(pathOf(config)) - before).toBe(1);
    expect(await decision(page)).toMatchObject({ variant: 'canary', reason: 'rollout', revision: 'cold' });
    expect(messages(errors)).toEqual([]);
  });

  it('inserts the canary tags before any request on a warm load within maxAgeMs', async () => {
    const config = healthy('warm');
    const url = sitePage({ config, 'max-age': '60000' });
    const context = await chromium.newContext();
    const cold = await load(url, { context });
    expect(cold.runs).toEqual([CANARY]);
    await cold.page.close();

    const warm = await load(url, {
      context,
      before: (page) =>
        page.addInitScript(() => {
          const probe = window as Probe;
          const original = window.fetch;
          window.fetch = (...args) => {
            probe.tagsBeforeFetch ??= document.querySelectorAll('[data-client-canary]').length > 0;
            return original(...args);
          };
        }),
    });
    note('healthy, warm (cached config within maxAgeMs)', warm.runs.join(', '), warm.firstAssetTag);
    expect(warm.runs).toEqual([CANARY]);
    // No network on the critical path: the tags were in before the (background) config request
    // was made. (The observer's time comes a microtask after the insertion, so it is not compared.)
    expect(await warm.page.evaluate(() => (window as Probe).tagsBeforeFetch)).toBe(true);
    await expect.poll(() => bucket().count(pathOf(config))).toBe(2);
    expect(messages(warm.errors)).toEqual([]);
  });
});
