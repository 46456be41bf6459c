// @vitest-environment happy-dom
// The error-tracker recipes, run as written against the real Sentry and Datadog browser SDKs. Only
// where data goes changes: the config URL and Sentry's DSN point at this file's bucket server, and
// Datadog's init gets a `proxy` there. What the trackers send is read back from the server's POST
// bodies, as their intakes would receive it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as DatadogRum from '@datadog/browser-rum';
import type { RumInitConfiguration } from '@datadog/browser-rum';
import * as OpenFeatureSdk from '@openfeature/web-sdk';
import * as Sentry from '@sentry/browser';
import ts from 'typescript';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as clientCanary from '../../src/index';
import type { CanaryClient } from '../../src/index';
import * as openFeatureEntry from '../../src/openfeature/provider';
import { useBucket } from '../helpers/bucket';

/** Where the recipes are read from: the file, and the heading whose ```ts blocks they are. */
const RECIPES = 'README.md';
const HEADING = '### Error trackers';

// The placeholders the recipes are written with.
const CONFIG_URL = 'https://my-bucket.s3.amazonaws.com/canary-config.json';
const SENTRY_DSN = 'https://<key>@<org>.ingest.sentry.io/<project>';

/** The ```lang blocks under `heading` in the markdown file at `path`, up to the next heading of its level or above. */
function blocksUnder(path: string, heading: string, lang = 'ts'): string[] {
  const lines = readFileSync(resolve(path), 'utf8').split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`${path} has no heading "${heading}"`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && line.indexOf(' ') <= level);
  const section = lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
  return [...section.matchAll(new RegExp('^```' + lang + '\\n([^]*?)\\n```$', 'gm'))].map((m) => m[1]!);
}

const AsyncFunction = (async () => undefined).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<unknown>;

/**
 * Runs a block as the body of a module: TypeScript's own transpiler takes the types out and turns
 * its imports into `require` calls answered from `modules`; the block's top-level `names` come back.
 */
async function run(code: string, modules: Record<string, unknown>, names: string[] = []): Promise<Record<string, unknown>> {
  const { outputText } = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const require = (name: string) => {
    if (!(name in modules)) throw new Error(`the recipe imports ${name}, which this test does not provide`);
    return modules[name];
  };
  return (await new AsyncFunction('require', 'exports', `${outputText}\nreturn { ${names.join(', ')} };`)(require, {})) as Record<string, unknown>;
}

const blocks = blocksUnder(RECIPES, HEADING);
/** The one recipe block that imports each of `imports`. */
const recipe = (...imports: string[]) => {
  const found = blocks.filter((block) => imports.every((name) => block.includes(` from '${name}';`)));
  if (found.length !== 1) throw new Error(`expected one \`\`\`ts block importing ${imports.join(' and ')} under "${HEADING}" in ${RECIPES}, found ${found.length}`);
  return found[0]!;
};

// happy-dom's fetch answers from its own cache within max-age, whatever the request's `cache:
// 'no-cache'` says (a browser revalidates): no-store lets a refresh see a new config.
const bucket = useBucket({ cacheControl: 'no-store' });

// `app` is everyone's canary and `search` no one's, whatever the sticky id; `cart` is never used
// on the page, so it reaches error events only through context().
const config = (appPercentage = 100) => ({
  version: 1,
  revision: `r${appPercentage}`,
  features: {
    app: { percentage: appPercentage, stable: { flags: { newCheckout: false, theme: 'light' } }, canary: { flags: { newCheckout: true, theme: 'dark' } } },
    search: { percentage: 0 },
    cart: { percentage: 100 },
  },
});

let paths = 0;
/** A fresh config path on the bucket (no cached copy from another test), with its URL. */
const publish = () => {
  const key = `/c${++paths}/canary-config.json`;
  bucket().put(key, JSON.stringify(config()));
  return { key, url: bucket().url(key) };
};

/** The recipe with its placeholder URLs pointing at the bucket server: nothing leaves the machine. */
const localize = (code: string, configUrl: string) => {
  expect(code).toContain(CONFIG_URL);
  const local = code.replaceAll(CONFIG_URL, configUrl).replaceAll(SENTRY_DSN, `http://public@${new URL(bucket().url('/')).host}/1`);
  expect(local).not.toContain('https://');
  return local;
};

const modules = { 'client-canary': clientCanary, 'client-canary/openfeature': openFeatureEntry, '@sentry/browser': Sentry, '@openfeature/web-sdk': OpenFeatureSdk };

type Json = Record<string, any>;
/** Lets exposures (delivered in a microtask) reach their listeners, as any later task would. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve));

describe('Sentry', () => {
  /** The events in the envelopes the bucket received (JSON lines: the envelope's header, then item header and payload pairs). */
  const sentryEvents = (): Json[] =>
    bucket()
      .posts.filter((p) => p.path === '/api/1/envelope/')
      .flatMap((p) => {
        const lines = p.body.split('\n');
        return lines.flatMap((line, i) => (i % 2 === 1 && JSON.parse(line).type === 'event' ? [JSON.parse(lines[i + 1]!) as Json] : []));
      });

  /** Captures an error as an app's code would, and returns the event as Sentry sent it. */
  async function sentryEventOf(message: string): Promise<Json> {
    const id = Sentry.captureException(new Error(message));
    expect(await Sentry.flush(5000)).toBe(true);
    const event = sentryEvents().find((e) => e.event_id === id);
    expect(event, `Sentry sent no event ${id}`).toBeDefined();
    return event!;
  }

  beforeEach(() => {
    // A fresh page for each recipe: flags, tags and contexts live on Sentry's scopes, which outlive
    // an init, and v11's scopes have no clear(); the SDK keeps them all on this global.
    delete (globalThis as { __SENTRY__?: unknown }).__SENTRY__;
  });
  afterEach(async () => {
    await Sentry.close(2000);
    await OpenFeatureSdk.OpenFeature.clearProviders();
    OpenFeatureSdk.OpenFeature.clearHooks();
  });

  // Sentry's transport first looks for an untouched fetch in a blank iframe, which happy-dom does
  // not load (it prints a NotSupportedError once); it then sends with the page's fetch.
  it('with exposures: error events carry a flag and a tag for each variant the page used, and context() in full', async () => {
    const { key, url } = publish();
    const { canary } = (await run(localize(recipe('@sentry/browser', 'client-canary'), url), modules, ['canary'])) as { canary: CanaryClient };
    await canary.ready();
    const { userId } = canary.context();
    const context = { userId, variants: { app: 'canary', search: 'stable', cart: 'canary' } };

    // Exposures are delivered in a microtask: an error in the very task of the first use has the
    // context, not yet the flag.
    expect(canary.isCanary('app')).toBe(true);
    const early = await sentryEventOf('thrown with the first use');
    expect(early.contexts.canary).toEqual(context);
    expect(early.contexts.flags).toBeUndefined();
    expect(early.tags).toBeUndefined();

    expect(canary.variant('search')).toBe('stable');
    await nextTask();
    const event = await sentryEventOf('checkout failed');
    // Only what was used is a flag or a tag; Sentry's flag values are booleans.
    expect(event.contexts.flags).toEqual({ values: [{ flag: 'canary.app', result: true }, { flag: 'canary.search', result: false }] });
    expect(event.tags).toEqual({ 'canary.app': 'canary', 'canary.search': 'stable' });
    expect(event.contexts.canary).toEqual(context);

    // A rollback reaches the next events: the new exposure replaces the flag and the tag, and
    // subscribe sets the context again.
    bucket().put(key, JSON.stringify(config(0)));
    await canary.refresh();
    expect(canary.isCanary('app')).toBe(false);
    await nextTask();
    const after = await sentryEventOf('checkout failed again');
    expect(after.contexts.flags.values).toEqual([{ flag: 'canary.search', result: false }, { flag: 'canary.app', result: false }]);
    expect(after.tags).toEqual({ 'canary.app': 'stable', 'canary.search': 'stable' });
    expect(after.contexts.canary).toEqual({ userId, variants: { ...context.variants, app: 'stable' } });
  });

  it('with OpenFeature: error events carry the boolean flags evaluated through CanaryProvider', async () => {
    await run(localize(recipe('@sentry/browser', 'client-canary/openfeature'), publish().url), modules);
    const flags = OpenFeatureSdk.OpenFeature.getClient();
    expect(flags.getBooleanValue('newCheckout', false)).toBe(true);
    expect(flags.getStringValue('theme', 'light')).toBe('dark');

    const event = await sentryEventOf('checkout failed under OpenFeature');
    // Sentry keeps boolean values only: `theme` was evaluated but is not on the event.
    expect(event.contexts.flags).toEqual({ values: [{ flag: 'newCheckout', result: true }] });
  });
});

describe('Datadog RUM', () => {
  const { datadogRum } = DatadogRum;
  /** The RUM events the bucket received as Datadog's intake (JSON lines per batch). */
  const rumEvents = (): Json[] =>
    bucket()
      .posts.filter((p) => p.path === '/intake')
      .flatMap((p) => p.body.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Json));

  it('the view and its errors carry a feature flag evaluation for each variant the page used, and context() in full', async () => {
    // The recipe's own init options, plus a proxy that brings every batch to the bucket, and
    // untrusted events so that the test's `beforeunload` flushes as a real one does.
    const init = (options: RumInitConfiguration) => datadogRum.init({ ...options, proxy: bucket().url('/intake'), allowUntrustedEvents: true });
    const datadog = { ...DatadogRum, datadogRum: Object.assign(Object.create(datadogRum) as typeof datadogRum, { init }) };
    const block = localize(recipe('@datadog/browser-rum', 'client-canary'), publish().url);
    const { canary } = (await run(block, { ...modules, '@datadog/browser-rum': datadog }, ['canary'])) as { canary: CanaryClient };
    await canary.ready();
    expect(canary.isCanary('app')).toBe(true);
    expect(canary.variant('search')).toBe('stable');
    await nextTask();
    datadogRum.addError(new Error('checkout failed'));
    window.dispatchEvent(new Event('beforeunload'));

    await vi.waitFor(() => expect(rumEvents().some((e) => e.type === 'error')).toBe(true), { timeout: 5000 });
    const events = rumEvents();
    const error = events.find((e) => e.type === 'error' && e.error.message === 'checkout failed')!;
    const view = events.filter((e) => e.type === 'view' && e.view.id === error.view.id).at(-1);
    const flags = { 'canary.app': 'canary', 'canary.search': 'stable' };
    expect(error.feature_flags).toEqual(flags);
    expect(view?.feature_flags).toEqual(flags);
    const context = { userId: canary.context().userId, variants: { app: 'canary', search: 'stable', cart: 'canary' } };
    expect(error.context.canary).toEqual(context);
    expect(view?.context.canary).toEqual(context);
  });
});
