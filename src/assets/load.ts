import type { Asset } from '../config/schema';

type AssetType = 'script' | 'module' | 'style';

/** An asset with its URL resolved against the config file and its type known. */
export interface ResolvedAsset {
  url: string;
  type: AssetType;
  integrity?: string;
  crossorigin?: 'anonymous' | 'use-credentials';
}

/** Resolves a config asset against `base`; the type follows the extension when not given. Throws on a URL that cannot be resolved. */
export function resolveAsset(asset: Asset, base: string): ResolvedAsset {
  const spec = typeof asset === 'string' ? { url: asset } : asset;
  const url = new URL(spec.url, base).href;
  const path = url.replace(/[?#].*/, '');
  const type = spec.type ?? (/\.css$/i.test(path) ? 'style' : /\.mjs$/i.test(path) ? 'module' : 'script');
  return { ...spec, url, type };
}

/** How one tag is made: the CSP nonce, whether its errors are watched, and the `src` a script gets. */
export interface InsertOptions {
  nonce: string | undefined;
  /** A canary: its errors must be readable (CORS mode) so the guard can attribute them. */
  watched: boolean;
  /** The value for `script.src` (a TrustedScriptURL where the page enforces Trusted Types). */
  scriptSrc: (url: string) => string;
}

/** A tag made for an asset, not yet in the document, and whether it loads once inserted. */
export interface AssetTag {
  element: HTMLElement;
  loaded: Promise<boolean>;
}

/**
 * Makes the tag of one asset; `doc.head.appendChild(tag.element)` starts it. Scripts get
 * `async = false`, so that several run in insertion order without blocking parsing.
 * Without a `crossorigin` in the config, an asset with `integrity` (which browsers check only in
 * CORS mode) and a `watched` one (a canary, whose errors are muted to "Script error." without
 * CORS, so the guard could not see them) are fetched with `crossorigin="anonymous"`.
 * Throws when the page refuses the URL (Trusted Types): made apart from inserting, so that a step
 * can be refused before any of its tags is in the page.
 */
export function makeAssetTag(doc: Document, asset: ResolvedAsset, options: InsertOptions): AssetTag {
  const style = asset.type === 'style';
  const element = doc.createElement(style ? 'link' : 'script') as HTMLLinkElement & HTMLScriptElement;
  if (style) {
    element.rel = 'stylesheet';
    element.href = asset.url;
  } else {
    if (asset.type === 'module') element.type = 'module';
    element.async = false;
    element.src = options.scriptSrc(asset.url);
  }
  if (asset.integrity) element.integrity = asset.integrity;
  const crossOrigin = asset.crossorigin ?? (asset.integrity || options.watched ? 'anonymous' : undefined);
  if (crossOrigin) element.crossOrigin = crossOrigin;
  if (options.nonce) element.nonce = options.nonce;
  element.setAttribute('data-client-canary', '');
  const loaded = new Promise<boolean>((resolve) => {
    element.onload = () => resolve(true);
    element.onerror = () => resolve(false);
  });
  return { element, loaded };
}
