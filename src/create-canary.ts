import { attachClient, type CanaryClient, type CanaryOptions } from './client';
import { startPage } from './loader/page';

/**
 * Starts the client of a page: decides from a fresh cached config at once (no network on the
 * critical path) or fetches the config within `timeoutMs`; every failure ends in stable.
 *
 * @example
 * const canary = createCanary({ configUrl: 'https://my-bucket.s3.amazonaws.com/canary-config.json' });
 * await canary.ready();
 * if (canary.isCanary('checkout')) renderNewCheckout();
 */
export const createCanary = /*#__PURE__*/ createCanaryWith(startPage);

/**
 * createCanary over a given start of the page: the loader's second chunk takes the loader's own
 * (`window.ClientCanary.startPage`), so that one page module runs on the page, not two copies.
 */
export function createCanaryWith(start: typeof startPage): (options?: CanaryOptions) => CanaryClient {
  return (options = {} as CanaryOptions) => {
    const safe = options && typeof options === 'object' ? options : ({} as CanaryOptions);
    return attachClient(start(safe), safe);
  };
}
