/**
 * The script-tag entry: starts a client from the tag's own data-* attributes, sets
 * `window.clientCanary`, and runs the callbacks queued on `window.clientCanaryQueue`.
 */
import { currentScript } from './assets/current-script';
import { createCanary, type CanaryClient, type CanaryOptions } from './client';

// window.ClientCanary: the npm API, less the JSON Schema generator (the package ships its output)
// and, until client-canary.validate.js has loaded, less the validator (parseConfig, configSchema).
// From their own modules, not './index': that one also exports the schema, which would bring zod.
export { createCanary } from './client';
export { bucketOf } from './decide/bucket';
export { decide } from './decide/decide';
export { effectivePercentage } from './decide/ramp';
export { CanaryError } from './errors';

type Queued = (client: CanaryClient) => void;

declare global {
  interface Window {
    /** The npm API (less toJsonSchema), as the script-tag bundle's global; the validator's part once it has loaded. */
    ClientCanary?: Omit<typeof import('./index'), 'toJsonSchema' | 'parseConfig' | 'configSchema'> & Partial<Pick<typeof import('./index'), 'parseConfig' | 'configSchema'>>;
    clientCanary?: CanaryClient;
    clientCanaryQueue?: Queued[] | { push(...callbacks: Queued[]): void };
  }
}

function start(script: HTMLScriptElement | null): CanaryClient {
  const data = script?.dataset ?? {};
  const complain = (message: string) => console.error(`client-canary: ${message}`);
  const list = (value: string | undefined) => value?.split(',').map((s) => s.trim()).filter(Boolean);
  const ms = (attribute: string, value: string | undefined): number | undefined => {
    if (value === undefined || /^\d+$/.test(value)) return value === undefined ? value : Number(value);
    complain(`${attribute}="${value}" is not a number of milliseconds: write e.g. ${attribute}="1500"; the default applies`);
  };
  const load = list(data.load);
  const fallbackUrls = list(data.fallback);
  if (!data.config) complain('the script tag needs data-config="https://…/canary-config.json"; every feature stays stable');
  if (fallbackUrls && !load) complain('data-fallback belongs to the first feature of data-load: add data-load="app" (your feature)');
  const options: CanaryOptions = {
    configUrl: data.config ?? '',
    userId: data.userId,
    timeoutMs: ms('data-timeout', data.timeout),
    maxAgeMs: ms('data-max-age', data.maxAge),
    allowedOrigins: list(data.allowedOrigins),
    beaconUrl: data.beacon,
    // "off" turns query overrides off; an empty value is reported by createCanary, never "any parameter".
    overrideParam: data.overrideParam === 'off' ? false : data.overrideParam,
    loadAssets: load ?? true,
    fallback: fallbackUrls ? { [load?.[0] ?? 'fallback']: { assets: fallbackUrls } } : undefined,
  };
  return createCanary(options);
}

// A second copy of the tag (a template included twice) must not run the app twice: the first
// client owns the page.
if (window.clientCanary) console.error('client-canary: the script tag runs twice on this page; the second copy does nothing');
else {
  const client = start(currentScript(document));
  const run = (callback: Queued) => {
    try {
      callback(client);
    } catch (error) {
      console.error('client-canary: a clientCanaryQueue callback threw', error);
    }
  };
  try {
    const queued = window.clientCanaryQueue;
    window.clientCanary = client;
    window.clientCanaryQueue = { push: (...callbacks) => callbacks.forEach(run) };
    if (Array.isArray(queued)) queued.forEach(run);
  } catch (error) {
    // A page that made these names read-only keeps its own; the client runs all the same.
    console.error('client-canary: window.clientCanary or clientCanaryQueue could not be set', error);
  }
}
