/**
 * The origin policy of SPEC 6: which asset URLs may be inserted. Only http(s); with
 * `allowedOrigins`, only those origins plus the config file's own origin, which is always
 * allowed: relative asset URLs resolve there, and whoever can write the config can write beside it.
 *
 * @returns why `url` is refused, or undefined when it is admitted.
 */
export type OriginPolicy = (url: string) => string | undefined;

/**
 * The origins of the `allowedOrigins` option as browsers write them ("https://cdn.example.com/"
 * would otherwise match nothing); entries that are not origins are left out (the client reports
 * them). A string is a list of one; any other value that is not a list allows no other origin.
 */
export function originsOf(allowedOrigins: unknown): string[] | undefined {
  if (allowedOrigins === undefined) return undefined;
  const list: unknown[] = Array.isArray(allowedOrigins) ? allowedOrigins : typeof allowedOrigins === 'string' ? [allowedOrigins] : [];
  return list.map((entry) => (typeof entry === 'string' ? originOf(entry) : undefined)).filter((origin): origin is string => !!origin && origin !== 'null');
}

/** The policy of one client; `allowedOrigins` (see originsOf) undefined admits every http(s) origin. */
export function createOriginPolicy(allowed: unknown, configUrl: string): OriginPolicy {
  const configOrigin = originOf(configUrl);
  const allowedOrigins = originsOf(allowed);
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
