// QA overrides from the query string in Chromium.
import { describe, expect, it } from 'vitest';
import { decision, loadedVersion } from '../helpers/app-probes';
import { useChromium } from '../helpers/chromium';
import { appConfig, CANARY, STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { publish, page: sitePage } = useSites();

describe('QA overrides', () => {
  it('forces canary for this tab with ?canary=app:canary and clears it with ?canary=reset', async () => {
    const config = publish(appConfig({ percentage: 0 }), '/override/canary-config.json');
    const url = sitePage({ config });
    const { page, errors } = await chromium.open(`${url}?canary=app:canary`);
    expect(await loadedVersion(page)).toBe(CANARY);
    expect(await decision(page)).toMatchObject({ reason: 'override' });
    await page.goto(url); // same tab: kept in sessionStorage
    expect(await loadedVersion(page)).toBe(CANARY);
    await page.goto(`${url}?canary=reset`);
    expect(await loadedVersion(page)).toBe(STABLE);
    await page.goto(url);
    expect(await decision(page)).toMatchObject({ reason: 'rollout', variant: 'stable' });
    const other = await chromium.open(url); // another tab (and profile) never saw the override
    expect(await loadedVersion(other.page)).toBe(STABLE);
    expect(errors).toEqual([]);
  });
});
