// A config that cannot be used, or a tag written wrong: the page still works, on its fallback.
import { describe, expect, it } from 'vitest';
import { decision, loadedVersion } from '../helpers/app-probes';
import { useChromium } from '../helpers/chromium';
import { appConfig, CANARY, STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, publish, page: sitePage } = useSites();

describe('a config that cannot be used', () => {
  const broken: [string, (path: string) => void][] = [
    ['HTTP 500', (p) => bucket().fault(p, { status: 500 })],
    ['HTTP 403', (p) => bucket().delete(p)],
    ['a timeout', (p) => bucket().fault(p, { delayMs: 3000 })],
    ['invalid JSON', (p) => bucket().fault(p, { invalidJson: true })],
    ['a schema error', (p) => bucket().put(p, JSON.stringify({ version: 1, features: { app: { percentage: 'fifty' } } }))],
    ['a truncated body', (p) => bucket().fault(p, { truncate: true })],
    ['an oversized body', (p) => bucket().fault(p, { oversize: 300 * 1024 })],
  ];

  it.each(broken)('on %s still gives a working page: the fallback assets, stable, no uncaught error', async (name, breakIt) => {
    const path = `/broken-${name.replace(/\W+/g, '-')}/canary-config.json`;
    const config = publish(appConfig({ percentage: 100 }), path);
    breakIt(path);
    const fallback = [bucket().url(`/app/${STABLE}/app.js`), bucket().url(`/app/${STABLE}/app.css`)].join(',');
    const { page, errors } = await chromium.open(sitePage({ config, load: 'app', fallback, timeout: '500' }));
    expect(await loadedVersion(page)).toBe(STABLE);
    expect(await decision(page)).toMatchObject({ variant: 'stable', reason: 'fallback' });
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('app')!).color)).toBe('rgb(0, 0, 255)');
    expect(errors).toEqual([]);
  });

  it('reports a missing data-config on the console with what to write, and still loads the fallback', async () => {
    const fallback = bucket().url(`/app/${STABLE}/app.js`);
    const { page, errors, console } = await chromium.open(sitePage({ load: 'app', fallback }));
    expect(await loadedVersion(page)).toBe(STABLE);
    expect(console.join('\n')).toMatch(/error: client-canary: .*data-config="https:\/\//);
    expect(errors).toEqual([]);
  });

  it('reports a bad data-timeout and uses the default', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/bad-attr/canary-config.json');
    const { page, errors, console } = await chromium.open(sitePage({ config, timeout: 'soon' }));
    expect(await loadedVersion(page)).toBe(CANARY);
    expect(console.join('\n')).toContain('data-timeout="soon" is not a number of milliseconds: write e.g. data-timeout="1500"');
    expect(errors).toEqual([]);
  });
});
