import { CanaryError, type Result } from '../errors';
import type { CanaryConfig } from './schema';
import type { Validate } from './validator';

/** A config file is small; anything bigger is a mistake or an attack, not a config. */
export const MAX_CONFIG_BYTES = 256 * 1024;
/** SPEC 6's `timeoutMs` default. */
const DEFAULT_TIMEOUT_MS = 1500;
/** The largest delay a timer holds: browsers and Node fire a longer one at once (an instant abort). */
const MAX_TIMER_MS = 2_147_483_647;

export interface FetchedConfig {
  config: CanaryConfig;
  /** The server's clock (`Date` header, epoch ms) when it answered, if the browser may read it. */
  serverDate: number | undefined;
}

/**
 * Fetches the config and validates it: the browser revalidates with its HTTP cache (ETag → 304),
 * no credentials and no custom header (so no CORS preflight), aborted after `timeoutMs`. The
 * validator, loaded meanwhile (its own chunk), must arrive within the same timeout.
 * A timeout past the largest timer delay (2^31 - 1 ms, about 24.8 days; Infinity included) is
 * held to it; NaN or a negative timeout means the default, 1500 ms. The fetcher of the first
 * refresh hands back the request the page started, `spentMs` ago.
 */
export async function fetchConfig(url: string, fetcher: typeof fetch, timeoutMs: number, validator: () => Promise<Validate>, spentMs = 0): Promise<Result<FetchedConfig>> {
  timeoutMs = timeoutMs >= 0 ? Math.min(timeoutMs, MAX_TIMER_MS) : DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  // `spentMs`: the request left that long ago (the page sent it while this code loaded).
  const timer = setTimeout(() => controller.abort(), Math.max(0, timeoutMs - spentMs));
  // The timeout holds even for a fetch that ignores its signal (a page's own wrapper, a hung body).
  const timedOut = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', reject));
  const within = <T>(work: Promise<T>) => Promise.race([work, timedOut]);
  // Loaded alongside the request, not after it.
  const validating = validator();
  validating.catch(() => undefined);
  const fail = (code: 'config-fetch' | 'config-invalid' | 'validator', message: string, cause?: unknown): Result<FetchedConfig> => ({
    ok: false,
    error: new CanaryError(code, `${message} (${url})`, { cause, url }),
  });
  // What was being done when something threw: the request (network, CORS, abort), the body, the JSON.
  let step = 'config request failed (network or CORS)';
  try {
    const response = await within(fetcher(url, { cache: 'no-cache', credentials: 'omit', signal: controller.signal }));
    if (!response.ok) return fail('config-fetch', `config request answered HTTP ${response.status}`);
    step = 'config body could not be read';
    const text = await within(readCapped(response));
    if (text === undefined) return fail('config-invalid', `config is larger than ${MAX_CONFIG_BYTES} bytes`);
    step = 'config is not valid JSON';
    const json: unknown = JSON.parse(text);
    step = 'the validator could not load';
    const parsed = (await within(validating))(json);
    if (!parsed.ok) {
      const first = parsed.errors[0]!;
      return fail('config-invalid', `config is invalid: ${first.path}: ${first.message}`, parsed.errors);
    }
    const date = Date.parse(response.headers.get('date') ?? '');
    return { ok: true, value: { config: parsed.config, serverDate: Number.isNaN(date) ? undefined : date } };
  } catch (cause) {
    const aborted = controller.signal.aborted;
    // The config arrived but cannot be checked: not a network failure, so no stale copy stands in.
    if (step.includes('validator')) return fail('validator', aborted ? `${step} within ${timeoutMs} ms` : `${step}: ${(cause as Error)?.message}`, cause);
    return fail(aborted || step.includes('request') ? 'config-fetch' : 'config-invalid', aborted ? `config request timed out after ${timeoutMs} ms` : step, cause);
  } finally {
    clearTimeout(timer);
  }
}

/** The body as text, or undefined past the cap (announced by Content-Length, or found once read). */
async function readCapped(response: Response): Promise<string | undefined> {
  if (Number(response.headers.get('content-length')) > MAX_CONFIG_BYTES) return undefined;
  const text = await response.text();
  return new Blob([text]).size > MAX_CONFIG_BYTES ? undefined : text;
}
