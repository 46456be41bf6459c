// @vitest-environment happy-dom
// @openfeature/react-sdk over CanaryProvider: a component flips when the config changes.
import { OpenFeature, OpenFeatureProvider, useFlag, useNumberFlagValue } from '@openfeature/react-sdk';
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, expect, it } from 'vitest';
import { CanaryProvider } from '../../src/openfeature/provider';
import { useBucket } from '../helpers/bucket';
import { MemoryStorage } from '../helpers/memory-storage';

// happy-dom's fetch serves a fresh cached response despite `cache: 'no-cache'` (Chromium revalidates).
const bucket = useBucket({ cacheControl: 'no-store' });
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const config = (percentage: number, revision: string) => ({
  version: 1,
  revision,
  features: { search: { percentage, stable: { flags: { searchLimit: 20 } }, canary: { flags: { searchLimit: 50 } } } },
});

afterEach(() => OpenFeature.clearProviders());

it('renders the canary flag once ready, and flips when the config changes', async () => {
  bucket().put('/react-sdk/canary-config.json', JSON.stringify(config(100, 'a')));
  const provider = new CanaryProvider({ configUrl: bucket().url('/react-sdk/canary-config.json'), storage: new MemoryStorage(), userId: 'reader' });
  OpenFeature.setProvider('react-sdk', provider);

  let renders = 0;
  const Search = () => {
    renders++;
    const limit = useNumberFlagValue('searchLimit', 0);
    const details = useFlag('search', 'none');
    return createElement('p', null, `${limit} ${details.value} ${details.reason ?? ''}`);
  };
  const element = document.createElement('div');
  document.body.append(element);
  const root = createRoot(element);
  act(() => root.render(createElement(OpenFeatureProvider, { domain: 'react-sdk', suspendUntilReady: false }, createElement(Search))));

  await act(() => provider.client.ready());
  await expect.poll(() => element.textContent).toBe('50 canary SPLIT');

  bucket().put('/react-sdk/canary-config.json', JSON.stringify(config(0, 'b')));
  await act(() => provider.client.refresh());
  await expect.poll(() => element.textContent).toBe('20 stable SPLIT');
  expect(renders).toBeLessThan(12);
  act(() => root.unmount());
});
