import type { CanaryClient } from '../client';
import type { Decision } from '../decide/decide';
import type { Page } from './page';

/**
 * The client of a page whose second chunk could not load: stable answers, every flag its default,
 * so that code waiting on `clientCanaryQueue` still runs. The page's own assets already ran.
 */
export function stableClient(page: Page): CanaryClient {
  const done = () => Promise.resolve();
  const decision = (feature: string): Decision => ({ feature, variant: 'stable', reason: 'fallback', bucket: null, percentage: 0, revision: undefined, userIdSource: page.userIdSource });
  return {
    ready: done,
    isCanary: () => false,
    variant: () => 'stable',
    decide: decision,
    flag: (_, value) => value,
    flags: () => ({}),
    loadAssets: () => Promise.resolve({ ok: false, loaded: [], failed: [], refused: [] }),
    override() {},
    refresh: done,
    on: () => () => undefined,
    context: () => ({ userId: page.userId, variants: {} }),
    debug() {},
  };
}
