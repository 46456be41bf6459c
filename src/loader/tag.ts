import type { CanaryOptions } from '../client';

/**
 * The options of the script tag's data-* attributes (README, "Script tag"). A missing or bad
 * attribute is said on the console with what to write instead; nothing here throws.
 */
export function tagOptions(script: HTMLScriptElement | null): CanaryOptions {
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
  return {
    configUrl: data.config ?? '',
    userId: data.userId,
    timeoutMs: ms('data-timeout', data.timeout),
    maxAgeMs: ms('data-max-age', data.maxAge),
    allowedOrigins: list(data.allowedOrigins),
    beaconUrl: data.beacon,
    vitals: data.vitals !== undefined && data.vitals !== 'false' && data.vitals !== 'off',
    // "off" turns query overrides off; an empty value is reported by the client, never "any parameter".
    overrideParam: data.overrideParam === 'off' ? false : data.overrideParam,
    loadAssets: load ?? true,
    fallback: fallbackUrls ? { [load?.[0] ?? 'fallback']: { assets: fallbackUrls } } : undefined,
  };
}
