// Pages that are hard on a script: Trusted Types, polluted or frozen prototypes, replaced
// built-ins, hostile links. Each ends with an app on the page and no uncaught error.
import { describe, expect, it } from 'vitest';
import { decision, loadedVersion, recordEvents, recorded } from '../helpers/app-probes';
import { useChromium } from '../helpers/chromium';
import { appConfig, CANARY, STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, publish, page: sitePage } = useSites();

const fallbackOf = () => `${bucket().url(`/app/${STABLE}/app.js`)},${bucket().url(`/app/${STABLE}/app.css`)}`;

describe('a page with Trusted Types', () => {
  it('gets its canary script, module and style sheet through the client-canary policy', async () => {
    bucket().put('/tt/module.mjs', 'window.moduleRan = true; export {};');
    const config = publish(appConfig({ percentage: 100, canary: { assets: [`/app/${CANARY}/app.js`, `/app/${CANARY}/app.css`, '/tt/module.mjs'] } }), '/tt/canary-config.json');
    const { page, errors } = await chromium.open();
    await page.addInitScript(() => {
      (window as unknown as { violations: string[] }).violations = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { violations: string[] }).violations.push(e.violatedDirective));
    });
    await page.goto(sitePage({ config }, { headers: { 'Content-Security-Policy': "require-trusted-types-for 'script'; trusted-types client-canary" } }));
    expect(await loadedVersion(page)).toBe(CANARY);
    await page.waitForFunction(() => (window as unknown as { moduleRan?: boolean }).moduleRan);
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('app')!).color)).toBe('rgb(255, 0, 0)');
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('says which directive to change when the page does not list client-canary, without an uncaught error', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/tt-unlisted/canary-config.json');
    const { page, errors, console: printed } = await chromium.open();
    await page.goto(sitePage({ config, load: 'app' }, { headers: { 'Content-Security-Policy': "require-trusted-types-for 'script'; trusted-types other-policy" } }));
    await page.waitForFunction(() => window.clientCanary);
    await expect.poll(() => printed.join('\n')).toMatch(/no assets of "app" could run/);
    // The client's chunk cannot load either (a cold start): the config is unusable, and no step can run.
    expect(printed.join('\n')).toMatch(/the client could not load: the page's Trusted Types refused .*client-canary\.validate\.js \(list client-canary in its trusted-types directive\)/);
    expect(await page.evaluate(() => window.clientCanary!.isCanary('app'))).toBe(false);
    expect(await page.evaluate(() => window.appVersion)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('admits through its policy no script URL that the origin policy refuses', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/tt-policy/canary-config.json');
    const { page, errors } = await chromium.open(
      sitePage({ config, 'allowed-origins': bucket().origin }, { headers: { 'Content-Security-Policy': "require-trusted-types-for 'script'; trusted-types client-canary" } }),
    );
    expect(await loadedVersion(page)).toBe(CANARY);
    // The policy exists once per page, and a second creation is refused: nobody else can get it to sign a URL.
    const second = await page.evaluate(() => {
      try {
        (window as unknown as { trustedTypes: { createPolicy(n: string, r: object): unknown } }).trustedTypes.createPolicy('client-canary', {});
        return 'created';
      } catch {
        return 'refused';
      }
    });
    expect(second).toBe('refused');
    expect(errors).toEqual([]);
  });
});

describe('a page with hostile globals', () => {
  const hostile: [string, () => void][] = [
    [
      'enumerable properties on Object.prototype and Array.prototype',
      () => {
        (Object.prototype as Record<string, unknown>).polluted = 'yes';
        (Array.prototype as unknown as Record<string, unknown>).extra = function extra() {};
      },
    ],
    ['a frozen Object.prototype and Array.prototype', () => (Object.freeze(Object.prototype), Object.freeze(Array.prototype))],
  ];
  it.each(hostile)('with %s, decides and loads the canary as on any page', async (_name, poison) => {
    const config = publish(appConfig({ percentage: 100 }), `/hostile-${_name.length}/canary-config.json`);
    const { page, errors } = await chromium.open();
    await page.addInitScript(poison);
    await page.goto(sitePage({ config }));
    expect(await loadedVersion(page)).toBe(CANARY);
    expect(await decision(page)).toMatchObject({ variant: 'canary', reason: 'rollout' });
    expect(errors).toEqual([]);
  });

  const broken: [string, () => void][] = [
    ['JSON.parse that throws', () => (JSON.parse = () => { throw new Error('hostile JSON.parse'); })],
    ['fetch that throws', () => (window.fetch = () => { throw new Error('hostile fetch'); })],
    ['fetch that never answers', () => (window.fetch = () => new Promise(() => undefined))],
    ['Storage methods that throw', () => {
      Storage.prototype.getItem = () => { throw new Error('hostile getItem'); };
      Storage.prototype.setItem = () => { throw new Error('hostile setItem'); };
    }],
  ];
  it.each(broken)('with %s, still ends on a stable app', async (name, poison) => {
    const config = publish(appConfig({ percentage: 0 }), `/broken-${name.length}/canary-config.json`);
    const { page, errors } = await chromium.open();
    await page.addInitScript(poison);
    await page.goto(sitePage({ config, load: 'app', fallback: fallbackOf(), timeout: '300' }));
    expect(await loadedVersion(page)).toBe(STABLE);
    expect((await decision(page)).variant).toBe('stable');
    expect(errors).toEqual([]);
  });
});

describe('overrides on a hostile link', () => {
  it('cannot switch a killed canary back on with ?canary=app:canary', async () => {
    const config = publish(appConfig({ percentage: 100, enabled: false }), '/killed/canary-config.json');
    const { page, errors } = await chromium.open(`${sitePage({ config })}?canary=app:canary`);
    expect(await loadedVersion(page)).toBe(STABLE);
    expect(await decision(page)).toMatchObject({ variant: 'stable', reason: 'disabled' });
    expect(await page.evaluate(() => window.clientCanary!.isCanary('app'))).toBe(false);
    expect(errors).toEqual([]);
  });

  it('ignores ?canary= when data-override-param="off"', async () => {
    const config = publish(appConfig({ percentage: 0 }), '/override-off/canary-config.json');
    const { page, errors } = await chromium.open(`${sitePage({ config, 'override-param': 'off' })}?canary=app:canary&off=app:canary`);
    expect(await loadedVersion(page)).toBe(STABLE);
    expect(await decision(page)).toMatchObject({ variant: 'stable', reason: 'rollout' });
    expect(errors).toEqual([]);
  });

  it('reports an empty data-override-param instead of reading any parameter', async () => {
    const config = publish(appConfig({ percentage: 0 }), '/override-empty/canary-config.json');
    const { page, errors, console: printed } = await chromium.open(`${sitePage({ config, 'override-param': '' })}?=app:canary`);
    expect(await loadedVersion(page)).toBe(STABLE);
    expect(await decision(page)).toMatchObject({ variant: 'stable', reason: 'rollout' });
    expect(printed.join('\n')).toMatch(/overrideParam: expected a query parameter name/);
    expect(errors).toEqual([]);
  });

  it('says the variant that runs under an override whose canary fails to load: stable, in the decision and a new exposure', async () => {
    const config = publish(appConfig({ percentage: 0, canary: { assets: ['/missing/app.js'] } }), '/override-fails/canary-config.json');
    const { page, errors } = await chromium.open();
    await page.addInitScript(() => {
      (window as unknown as { exposures: string[] }).exposures = [];
      (window.clientCanaryQueue ||= []).push((client) => client.on('exposure', (e) => (window as unknown as { exposures: string[] }).exposures.push(`${e.variant}:${e.reason}`)));
    });
    await page.goto(`${sitePage({ config })}?canary=app:canary`);
    expect(await loadedVersion(page)).toBe(STABLE);
    expect(await decision(page)).toMatchObject({ variant: 'stable', reason: 'guarded' });
    expect(await page.evaluate(() => window.clientCanary!.isCanary('app'))).toBe(false);
    expect(await page.evaluate(() => (window as unknown as { exposures: string[] }).exposures)).toEqual(['canary:override', 'stable:guarded']);
    expect(errors).toEqual([]);
  });
});

describe('the fallback chain', () => {
  it('loads data-fallback when the config has no such feature (a data-load typo), and says so', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/typo/canary-config.json');
    const { page, errors, console: printed } = await chromium.open(sitePage({ config, load: 'ap', fallback: fallbackOf() }));
    expect(await loadedVersion(page)).toBe(STABLE);
    expect(printed.join('\n')).toMatch(/"ap" is not a feature of the config \(it has "app"\)/);
    expect(errors).toEqual([]);
  });

  it('loads data-fallback when the stable assets are refused by data-allowed-origins', async () => {
    const elsewhere = 'https://cdn.elsewhere.example/app.js';
    const config = publish(appConfig({ percentage: 0, stable: { assets: [elsewhere] } }), '/refused-stable/canary-config.json');
    const { page, errors } = await chromium.open(sitePage({ config, load: 'app', fallback: fallbackOf(), 'allowed-origins': bucket().origin }));
    expect(await loadedVersion(page)).toBe(STABLE);
    expect(await page.evaluate(() => document.querySelectorAll('script[src*="elsewhere"]').length)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('loads the config origin\'s assets with data-allowed-origins="" (the config origin is always allowed)', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/empty-origins/canary-config.json');
    const { page, errors } = await chromium.open(sitePage({ config, 'allowed-origins': '' }));
    expect(await loadedVersion(page)).toBe(CANARY);
    expect(errors).toEqual([]);
  });

  it('runs the config stable, then data-fallback, when the canary and the stable both fail to load', async () => {
    const config = publish(appConfig({ percentage: 100, canary: { assets: ['/missing/canary.js'] }, stable: { assets: ['/missing/stable.js'] } }), '/both-fail/canary-config.json');
    const { page, errors } = await chromium.open();
    await recordEvents(page);
    await page.goto(sitePage({ config, load: 'app', fallback: fallbackOf() }));
    expect(await loadedVersion(page)).toBe(STABLE);
    expect(await page.evaluate(() => window.appRuns)).toEqual([STABLE]);
    expect(await decision(page)).toMatchObject({ variant: 'stable', reason: 'guarded' });
    expect((await recorded(page)).errors).toContain('asset-load');
    expect(errors).toEqual([]);
  });

  it('ends with no app only when every step fails, and says exactly why', async () => {
    const config = publish(appConfig({ percentage: 0, stable: { assets: ['/missing/stable.js'] } }), '/all-fail/canary-config.json');
    const { page, errors } = await chromium.open();
    await recordEvents(page);
    await page.goto(sitePage({ config, load: 'app' }));
    await page.waitForFunction(() => (window as unknown as { seen: { errors: string[] } }).seen.errors.includes('asset-load'));
    const { messages } = await recorded(page);
    expect(messages.join('\n')).toMatch(/no assets of "app" could run: stable: .*missing\/stable\.js failed to load; fallback: no assets/);
    expect(errors).toEqual([]);
  });
});
