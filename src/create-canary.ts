import { attachClient, type CanaryClient, type CanaryOptions, type ClientLink } from './client';
import { readBootstrap } from './config/bootstrap';
import { ID_PATTERN, writeCookie } from './identity/sticky-id';
import { UID_KEY } from './identity/storage-keys';
import { startPage, type Page } from './loader/page';

// null (`bootstrapJson()` of a server without a valid config) is no bootstrap.
const bootstrapOf = (options: CanaryOptions) =>
  options.bootstrap == null ? undefined : readBootstrap(options.bootstrap, typeof options.now === 'function' ? options.now() : Date.now());

/**
 * Starts the page, with the bootstrap's id when the app gives none. The app's own id (the server's
 * `userId` option) decides this page only. The device's id that a server read or set in the cookie
 * wins over a stored one, so that the page agrees with the server's rendering, and is kept in
 * storage and in the cookie (in case the server's Set-Cookie never arrived).
 */
function startWith(start: typeof startPage, options: CanaryOptions): Page {
  const boot = bootstrapOf(options);
  const server = options.userId ? undefined : boot?.userId;
  if (server === undefined || !(boot!.own || ID_PATTERN.test(server))) return start(options, boot);
  const page = start({ ...options, userId: server }, boot);
  if (!boot!.own) {
    page.storage.set(UID_KEY, server);
    writeCookie(typeof document === 'object' ? document : undefined, server);
    page.userIdSource = 'cookie';
  }
  return page;
}

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
