/**
 * The origin policy of SPEC 6: which asset URLs may be inserted. Only http(s); with
 * `allowedOrigins`, only those origins plus the config file's own origin, which is always
 * allowed: relative asset URLs resolve there, and whoever can write the config can write beside it.
 *
 * @returns why `url` is refused, or undefined when it is admitted.
 */
export type OriginPolicy = (url: string) => string | undefined;

/** The policy of one client; `allowedOrigins` undefined admits every http(s) origin. */
export function createOriginPolicy(allowedOrigins: readonly string[] | undefined, configUrl: string): OriginPolicy {
  const configOrigin = originOf(configUrl);
  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'not a valid URL';
    }
    const { protocol, origin } = parsed;
    if (protocol !== 'https:' && protocol !== 'http:') return `only http(s) assets are loaded, not ${protocol}`;
    if (allowedOrigins && origin !== configOrigin && !allowedOrigins.includes(origin)) return `${origin} is neither the config's origin nor in allowedOrigins`;
    return undefined;
  };
}

/** The origin of a URL as browsers write it, or undefined for something that is not a URL. */
export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
