import { attachClient, type CanaryClient, type CanaryOptions, type ClientLink } from './client';
import { readBootstrap } from './config/bootstrap';
import { ID_PATTERN } from './identity/sticky-id';
import { UID_KEY } from './identity/storage-keys';
import { startPage, type Page } from './loader/page';

const bootstrapOf = (options: CanaryOptions) =>
  options.bootstrap === undefined ? undefined : readBootstrap(options.bootstrap, typeof options.now === 'function' ? options.now() : Date.now());

/**
 * Starts the page, with the bootstrap's id when the app gives none: the id a server decided by
 * (read from, or just set in, the cookie) wins over a stored one, so that the page agrees with
 * the server's rendering, and it is kept from now on.
 */
function startWith(start: typeof startPage, options: CanaryOptions): Page {
  const boot = bootstrapOf(options);
  const server = options.userId ? undefined : boot?.userId;
  if (server === undefined || !ID_PATTERN.test(server)) return start(options, boot);
  const page = start({ ...options, userId: server }, boot);
  page.storage.set(UID_KEY, server);
  page.userIdSource = 'cookie';
  return page;
}

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
    return attachClient(startWith(start, safe), safe);
  };
}

/** createCanary with its page and a link for this package's own modules (the OpenFeature provider). */
export function startClient(options: CanaryOptions, link: ClientLink): { client: CanaryClient; page: Page } {
  const safe = options && typeof options === 'object' ? options : ({} as CanaryOptions);
  const page = startWith(startPage, safe);
  return { page, client: attachClient(page, safe, link) };
}
