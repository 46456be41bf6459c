import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startBucketServer } from '../../demo/bucket-server.mjs';
import type { Bucket } from './bucket';

export const STABLE = '1.0.0';
export const CANARY = '2.0.0';

/** A tiny app version: marks the page with its version and counts its runs. */
const appJs = (version: string) => `(function () {
  var el = document.getElementById('app');
  if (el) { el.setAttribute('data-version', '${version}'); el.textContent = 'app ${version}'; }
  window.appVersion = '${version}';
  (window.appRuns = window.appRuns || []).push('${version}');
})();\n`;

/**
 * Two origins, as in production: the "bucket" (config and versioned assets, with S3's headers)
 * and the "site" (pages and the SDK). Each test file gets its own pair.
 */
export function useSites(): { bucket: () => Bucket; site: () => Bucket; publish: (config: unknown, path?: string) => string; page: (attributes: Record<string, string>, options?: { head?: string; body?: string; headers?: Record<string, string>; nonce?: string }) => string } {
  let bucket: Bucket | undefined;
  let site: Bucket | undefined;
  let pages = 0;
  beforeAll(async () => {
    [bucket, site] = await Promise.all([startBucketServer(), startBucketServer()]);
    for (const version of [STABLE, CANARY]) {
      bucket.put(`/app/${version}/app.js`, appJs(version));
      bucket.put(`/app/${version}/app.css`, `#app { color: ${version === STABLE ? 'rgb(0, 0, 255)' : 'rgb(255, 0, 0)'}; }\n`);
    }
    // The loader and, beside it, the validator chunk it inserts (SPEC 12).
    for (const file of ['client-canary.min.js', 'client-canary.validate.js', 'client-canary.vitals.js']) site.put(`/${file}`, readFileSync(resolve('dist', file)));
  });
  afterAll(async () => {
    await Promise.all([bucket?.close(), site?.close()]);
  });
  return {
    bucket: () => bucket!,
    site: () => site!,
    /** Puts a config in the bucket and returns its URL. */
    publish(config, path = '/canary-config.json') {
      bucket!.put(path, JSON.stringify(config, null, 2));
      return bucket!.url(path);
    },
    /** Puts a page on the site whose script tag has these data-* attributes; returns its URL. */
    page(attributes, options = {}) {
      const attrs = Object.entries(attributes).map(([k, v]) => ` data-${k}="${v}"`).join('');
      const nonce = options.nonce ? ` nonce="${options.nonce}"` : '';
      const path = `/page-${++pages}.html`;
      site!.put(
        path,
        `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">${options.head ?? ''}` +
          `<script src="/client-canary.min.js"${nonce}${attrs}></script></head>` +
          `<body><div id="app">loading</div>${options.body ?? ''}</body></html>`,
        { type: 'text/html; charset=utf-8' },
      );
      if (options.headers) site!.fault(path, { headers: options.headers });
      return site!.url(path);
    },
  };
}

/** A config whose feature `app` has a stable and a canary version, as the bucket serves them. */
export const appConfig = (app: Record<string, unknown> = {}, revision = 'r1') => ({
  version: 1,
  revision,
  features: {
    app: {
      percentage: 50,
      stable: { assets: [`/app/${STABLE}/app.js`, `/app/${STABLE}/app.css`], flags: { tone: 'calm' } },
      canary: { assets: [`/app/${CANARY}/app.js`, `/app/${CANARY}/app.css`], flags: { tone: 'bold' } },
      ...app,
    },
  },
});
