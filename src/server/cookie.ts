import { ID_PATTERN } from '../identity/sticky-id';
import { UID_COOKIE } from '../identity/storage-keys';

/** A request as Node's http, Express, the Fetch API (edge functions) or a test hands it over. */
export type RequestLike = { headers: Headers | Record<string, string | string[] | undefined>; url?: string } | Request;

/**
 * One header (`name` in lower case) of a Fetch or Node request, or of a plain record in any case
 * (as some gateways pass them); a repeated header's values are joined with `separator`.
 */
export function headerOf(request: RequestLike | undefined, name: string, separator = ', '): string | undefined {
  const headers = request?.headers;
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(separator) : value;
}

/**
 * The sticky id in a Cookie header, as the browser wrote it; undefined when absent or not an id.
 * The first cookie of the name counts, as in the browser's own reading.
 */
export function uidFromCookie(cookie: string | undefined): string | undefined {
  for (const pair of (cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at < 0 || pair.slice(0, at).trim() !== UID_COOKIE) continue;
    try {
      const value = decodeURIComponent(pair.slice(at + 1).trim());
      return ID_PATTERN.test(value) ? value : undefined;
    } catch {
      // Not percent-encoded as the SDK writes it: no id.
      return undefined;
    }
  }
  return undefined;
}

/** The cookie the browser SDK writes (SPEC 5), readable by its scripts: not HttpOnly. */
export function uidCookie(userId: string, secure: boolean): string {
  return `${UID_COOKIE}=${encodeURIComponent(userId)}; Path=/; Max-Age=31536000; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** True when the request came over https (its URL, or `X-Forwarded-Proto` from a proxy or load balancer). */
export function isHttps(request: RequestLike | undefined): boolean {
  const url = request && 'url' in request && typeof request.url === 'string' ? request.url : '';
  // The first proxy's view of the client's protocol.
  return url.startsWith('https:') || headerOf(request, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}
