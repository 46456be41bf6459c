import type { Asset } from '../config/schema';

type AssetType = 'script' | 'module' | 'style';

/** An asset with its URL resolved against the config file and its type known. */
export interface ResolvedAsset {
  url: string;
  type: AssetType;
  integrity?: string;
  crossorigin?: 'anonymous' | 'use-credentials';
}

/** Resolves a config asset against the config URL; the type follows the extension when not given. */
export function resolveAsset(asset: Asset, base: string): ResolvedAsset {
  const spec = typeof asset === 'string' ? { url: asset } : asset;
  const url = new URL(spec.url, base).href;
  const path = url.replace(/[?#].*/, '');
  const type = spec.type ?? (/\.css$/i.test(path) ? 'style' : /\.mjs$/i.test(path) ? 'module' : 'script');
  return { ...spec, url, type };
}

/** Why an asset may not be inserted, or undefined when it may. */
export function refusal(asset: ResolvedAsset, allowedOrigins: readonly string[] | undefined): string | undefined {
  const { protocol, origin } = new URL(asset.url);
  if (protocol !== 'https:' && protocol !== 'http:') return `only http(s) assets are loaded, not ${protocol}`;
  if (allowedOrigins && !allowedOrigins.includes(origin)) return `${origin} is not in allowedOrigins`;
  return undefined;
}

/**
 * Inserts one asset into `<head>` at once and resolves true when it loaded, false when it failed.
 * Scripts get `async = false`, so that several run in insertion order without blocking parsing.
 * Without a `crossorigin` in the config, an asset with `integrity` (which browsers check only in
 * CORS mode) and a `watched` one (a canary, whose errors are muted to "Script error." without
 * CORS, so the guard could not see them) are fetched with `crossorigin="anonymous"`.
 */
export function insertAsset(doc: Document, asset: ResolvedAsset, nonce: string | undefined, watched?: boolean): Promise<boolean> {
  const style = asset.type === 'style';
  const element = doc.createElement(style ? 'link' : 'script') as HTMLLinkElement & HTMLScriptElement;
  if (style) {
    element.rel = 'stylesheet';
    element.href = asset.url;
  } else {
    if (asset.type === 'module') element.type = 'module';
    element.async = false;
    element.src = asset.url;
  }
  if (asset.integrity) element.integrity = asset.integrity;
  const crossOrigin = asset.crossorigin ?? (asset.integrity || watched ? 'anonymous' : undefined);
  if (crossOrigin) element.crossOrigin = crossOrigin;
  if (nonce) element.nonce = nonce;
  element.setAttribute('data-client-canary', '');
  const loaded = new Promise<boolean>((resolve) => {
    element.onload = () => resolve(true);
    element.onerror = () => resolve(false);
  });
  doc.head.appendChild(element);
  return loaded;
}
