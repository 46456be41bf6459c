// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAssetLoader, type Step } from '../../src/assets/chain';
import { createOriginPolicy } from '../../src/assets/policy';

const base = 'https://cfg.example.com/canary-config.json';
const cdn = 'https://cdn.example.com';
const evil = 'https://evil.example.net';

/** The tags this SDK inserted, by URL. */
const tags = () => [...document.head.querySelectorAll<HTMLScriptElement & HTMLLinkElement>('[data-client-canary]')].map((el) => el.src || el.href);

/**
 * happy-dom fires `load` synchronously inside appendChild (file loading disabled, treated as
 * success). To make `urls` fail, `error` is dispatched on their tag just before it is appended;
 * the later `load` then finds the outcome already settled.
 */
function failLoading(...urls: string[]) {
  const head = document.head;
  const append = head.appendChild.bind(head);
  return vi.spyOn(head, 'appendChild').mockImplementation(<T extends Node>(node: T): T => {
    const el = node as unknown as HTMLScriptElement & HTMLLinkElement;
    if (urls.includes(el.src || el.href)) el.dispatchEvent(new Event('error'));
    return append(node);
  });
}

/** A loader of this document that admits `allowed` origins (and the config's), with its reports. */
function loader(allowed: string[] | undefined = [cdn], nonce?: string) {
  const report = vi.fn();
  return { report, assets: createAssetLoader(document, nonce, createOriginPolicy(allowed, base), report) };
}

const step = (name: Step['name'], assets: Step['assets']): Step => ({ name, assets, base });

beforeEach(() => {
  for (const el of document.head.querySelectorAll('[data-client-canary]')) el.remove();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('loadChain: the fallback chain', () => {
  it('runs the first step when all its assets load, and tries no later step', async () => {
    const { assets } = loader();
    const result = await assets.loadChain('app', [step('canary', [`${cdn}/c.js`, `${cdn}/c.css`]), step('stable', [`${cdn}/s.js`])]);
    expect(result).toEqual({ ok: true, loaded: [`${cdn}/c.js`, `${cdn}/c.css`], failed: [], refused: [], ran: 'canary', skipped: [] });
    expect(tags()).toEqual([`${cdn}/c.js`, `${cdn}/c.css`]);
  });

  it('inserts scripts in order without async, modules as module scripts, styles as style sheets, each with the nonce', async () => {
    const { assets } = loader(undefined, 'n0nce');
    await assets.loadChain('app', [step('stable', [`${cdn}/a.js`, `${cdn}/b.mjs`, { url: `${cdn}/c.js`, type: 'module' }, `${cdn}/d.css`])]);
    const els = [...document.head.querySelectorAll<HTMLScriptElement & HTMLLinkElement>('[data-client-canary]')];
    expect(els.map((el) => [el.tagName, el.getAttribute('type'), el.nonce])).toEqual([
      ['SCRIPT', null, 'n0nce'],
      ['SCRIPT', 'module', 'n0nce'],
      ['SCRIPT', 'module', 'n0nce'],
      ['LINK', null, 'n0nce'],
    ]);
    expect(els.slice(0, 3).map((el) => el.async)).toEqual([false, false, false]);
    expect(els[3]!.rel).toBe('stylesheet');
  });

  it('resolves relative asset URLs against the step base', async () => {
    const { assets } = loader();
    const result = await assets.loadChain('app', [{ name: 'stable', assets: ['v2/app.js'], base: 'https://cfg.example.com/site/canary-config.json' }]);
    expect(result.ran).toBe('stable');
    expect(tags()).toEqual(['https://cfg.example.com/site/v2/app.js']);
  });

  it('inserts none of the assets of a step with a refused asset and runs the next step', async () => {
    const { assets, report } = loader();
    const result = await assets.loadChain('app', [step('canary', [`${cdn}/c.js`, `${evil}/x.js`]), step('stable', [`${cdn}/s.js`])]);
    expect(result.ran).toBe('stable');
    expect(result.skipped).toEqual([{ step: 'canary', why: `${evil}/x.js refused (${evil} is neither the config's origin nor in allowedOrigins)`, missing: false }]);
    expect(result.refused).toEqual([`${evil}/x.js`]);
    expect(result.ok).toBe(false);
    expect(tags()).toEqual([`${cdn}/s.js`]);
    expect(report).toHaveBeenCalledTimes(1);
    expect(report).toHaveBeenCalledWith('asset-refused', expect.stringContaining(`${evil}/x.js`), { url: `${evil}/x.js`, feature: 'app' });
  });

  it('skips a step whose asset fails to load and runs the next', async () => {
    failLoading(`${cdn}/c.js`);
    const { assets, report } = loader();
    const result = await assets.loadChain('app', [step('canary', [`${cdn}/c.js`, `${cdn}/c.css`]), step('stable', [`${cdn}/s.js`])]);
    expect(result.ran).toBe('stable');
    expect(result.skipped).toEqual([{ step: 'canary', why: `${cdn}/c.js failed to load`, missing: false }]);
    expect(result.failed).toEqual([`${cdn}/c.js`]);
    // The skipped canary's style sheet leaves the page with it; its script already ran.
    expect(result.loaded).toEqual([`${cdn}/s.js`]);
    expect(tags()).toEqual([`${cdn}/c.js`, `${cdn}/s.js`]);
    expect(result.ok).toBe(false);
    expect(report).not.toHaveBeenCalled();
  });

  it('takes out the style sheet of a skipped step, and inserts it again for a later step that lists it', async () => {
    failLoading(`${cdn}/c.js`);
    const { assets } = loader();
    const result = await assets.loadChain('app', [step('canary', [`${cdn}/c.js`, `${cdn}/shared.css`]), step('stable', [`${cdn}/s.js`, `${cdn}/shared.css`])]);
    expect(result.ran).toBe('stable');
    expect(result.loaded).toEqual([`${cdn}/s.js`, `${cdn}/shared.css`]);
    expect(tags()).toEqual([`${cdn}/c.js`, `${cdn}/s.js`, `${cdn}/shared.css`]);
  });

  it('skips a step with no assets as missing and runs the next', async () => {
    const { assets } = loader();
    const result = await assets.loadChain('app', [step('canary', undefined), step('stable', []), step('fallback', [`${cdn}/f.js`])]);
    expect(result.ran).toBe('fallback');
    expect(result.skipped).toEqual([
      { step: 'canary', why: 'no assets', missing: true },
      { step: 'stable', why: 'no assets', missing: true },
    ]);
    expect(result.ok).toBe(true);
  });

  it('ends with no step run and every step skipped, with its reason, when every step fails', async () => {
    failLoading(`${cdn}/s.js`);
    const { assets } = loader();
    const result = await assets.loadChain('app', [step('canary', [`${evil}/c.js`]), step('stable', [`${cdn}/s.js`]), step('fallback', undefined)]);
    expect(result.ran).toBeUndefined();
    expect(result.skipped).toEqual([
      { step: 'canary', why: expect.stringMatching(/^https:\/\/evil\.example\.net\/c\.js refused \(/), missing: false },
      { step: 'stable', why: `${cdn}/s.js failed to load`, missing: false },
      { step: 'fallback', why: 'no assets', missing: true },
    ]);
    expect(result.ok).toBe(false);
  });

  it('inserts nothing and runs no step without a document', async () => {
    const assets = createAssetLoader(undefined, undefined, createOriginPolicy(undefined, base), vi.fn());
    const result = await assets.loadChain('app', [step('canary', [`${cdn}/c.js`]), step('stable', [`${cdn}/s.js`])]);
    expect(result.ran).toBeUndefined();
    expect(result.skipped.map((s) => [s.step, s.why])).toEqual([
      ['canary', 'no document'],
      ['stable', 'no document'],
    ]);
    expect(tags()).toEqual([]);
  });
});

describe('loadChain: each URL once per page', () => {
  it('inserts a URL once when two steps share it', async () => {
    failLoading(`${cdn}/c.js`);
    const { assets } = loader();
    const result = await assets.loadChain('app', [step('canary', [`${cdn}/shared.js`, `${cdn}/c.js`]), step('stable', [`${cdn}/shared.js`, `${cdn}/s.js`])]);
    expect(result.ran).toBe('stable');
    expect(tags().filter((url) => url === `${cdn}/shared.js`)).toHaveLength(1);
    expect(tags()).toEqual([`${cdn}/shared.js`, `${cdn}/c.js`, `${cdn}/s.js`]);
  });

  it('lists a URL shared by two steps once in loaded', async () => {
    failLoading(`${cdn}/c.js`);
    const { assets } = loader();
    const result = await assets.loadChain('app', [step('canary', [`${cdn}/shared.js`, `${cdn}/c.js`]), step('stable', [`${cdn}/shared.js`, `${cdn}/s.js`])]);
    expect(result.loaded).toEqual([`${cdn}/shared.js`, `${cdn}/s.js`]);
  });

  it('fails a later step that shares a URL which already failed to load, without inserting it again', async () => {
    failLoading(`${cdn}/shared.js`);
    const { assets } = loader();
    const result = await assets.loadChain('app', [step('canary', [`${cdn}/shared.js`]), step('stable', [`${cdn}/shared.js`]), step('fallback', [`${cdn}/f.js`])]);
    expect(result.ran).toBe('fallback');
    expect(tags()).toEqual([`${cdn}/shared.js`, `${cdn}/f.js`]);
  });

  it('inserts a URL once when two features load it at the same time', async () => {
    const { assets } = loader();
    const [a, b] = await Promise.all([
      assets.loadChain('a', [step('stable', [`${cdn}/vendor.js`, `${cdn}/a.js`])]),
      assets.loadChain('b', [step('stable', [`${cdn}/vendor.js`, `${cdn}/b.js`])]),
    ]);
    expect([a.ran, b.ran]).toEqual(['stable', 'stable']);
    expect(tags()).toEqual([`${cdn}/vendor.js`, `${cdn}/a.js`, `${cdn}/b.js`]);
  });
});

describe('loadChain: refused assets', () => {
  it('reports each refused asset once, with code asset-refused', async () => {
    const { assets, report } = loader();
    const result = await assets.loadChain('app', [
      step('canary', [`${evil}/a.js`, 'javascript:alert(1)', 'http://[bad']),
      step('stable', [`${cdn}/s.js`]),
    ]);
    expect(result.refused).toEqual([`${evil}/a.js`, 'javascript:alert(1)', 'http://[bad']);
    expect(report.mock.calls.map(([code, , detail]) => [code, detail.url])).toEqual([
      ['asset-refused', `${evil}/a.js`],
      ['asset-refused', 'javascript:alert(1)'],
      ['asset-refused', 'http://[bad'],
    ]);
    expect(report.mock.calls[2]![1]).toContain('not a valid URL');
    expect(tags()).toEqual([`${cdn}/s.js`]);
  });

  it('reports a refused URL once when two steps list it', async () => {
    const { assets, report } = loader();
    const result = await assets.loadChain('app', [step('canary', [`${evil}/x.js`]), step('stable', [`${evil}/x.js`]), step('fallback', [`${cdn}/f.js`])]);
    expect(result.ran).toBe('fallback');
    expect(report).toHaveBeenCalledTimes(1);
  });
});

describe('canaryOf: canary URLs remembered for the guard', () => {
  it('knows the feature of a canary URL, ignoring its fragment but not its query', async () => {
    const { assets } = loader();
    await assets.loadChain('app', [step('canary', [`${cdn}/c.js#v2`, `${cdn}/d.js?v=1`])]);
    expect(assets.canaryOf(`${cdn}/c.js`)).toBe('app');
    expect(assets.canaryOf(`${cdn}/c.js#v2`)).toBe('app');
    expect(assets.canaryOf(`${cdn}/c.js#other`)).toBe('app');
    expect(assets.canaryOf(`${cdn}/d.js?v=1`)).toBe('app');
    expect(assets.canaryOf(`${cdn}/d.js`)).toBeUndefined();
  });

  it('does not take stable or fallback URLs for canary ones', async () => {
    const { assets } = loader();
    await assets.loadChain('app', [step('stable', [`${cdn}/s.js`])]);
    await assets.loadChain('other', [step('fallback', [`${cdn}/f.js`])]);
    expect(assets.canaryOf(`${cdn}/s.js`)).toBeUndefined();
    expect(assets.canaryOf(`${cdn}/f.js`)).toBeUndefined();
  });

  it('forgets the URLs of a skipped canary (one it shares with stable now runs as stable), and never knew those of a refused step', async () => {
    failLoading(`${cdn}/c.js`);
    const { assets } = loader();
    await assets.loadChain('app', [step('canary', [`${cdn}/shared.js`, `${cdn}/c.js`]), step('stable', [`${cdn}/shared.js`, `${cdn}/s.js`])]);
    await assets.loadChain('b', [step('canary', [`${cdn}/b.js`, `${evil}/x.js`]), step('stable', [`${cdn}/s.js`])]);
    expect(assets.canaryOf(`${cdn}/c.js`)).toBeUndefined();
    expect(assets.canaryOf(`${cdn}/shared.js`)).toBeUndefined();
    expect(assets.canaryOf(`${cdn}/b.js`)).toBeUndefined();
  });

  it('keeps a style sheet that another feature uses when one feature\'s step is skipped', async () => {
    failLoading(`${cdn}/w2.js`);
    const { assets } = loader();
    const [app, widget] = await Promise.all([
      assets.loadChain('app', [step('stable', [`${cdn}/app.js`, `${cdn}/base.css`])]),
      assets.loadChain('widget', [step('canary', [`${cdn}/base.css`, `${cdn}/w2.js`]), step('stable', [`${cdn}/w1.js`])]),
    ]);
    expect([app.ran, widget.ran]).toEqual(['stable', 'stable']);
    expect(tags()).toContain(`${cdn}/base.css`);
  });
});

describe('loadChain under Trusted Types', () => {
  type Rules = { createScriptURL(url: string, admit?: (url: string) => boolean): string };
  const win = () => document.defaultView as unknown as { trustedTypes?: unknown };

  // trusted-types.ts keeps its policy in module state (one per page): a fresh module per test.
  const freshLoader = async () => {
    vi.resetModules();
    const { createAssetLoader: create } = await import('../../src/assets/chain');
    const report = vi.fn();
    return create(document, undefined, createOriginPolicy([cdn], base), report);
  };
  afterEach(() => {
    delete win().trustedTypes;
  });

  it('passes script URLs through the client-canary policy, which admits what the origin policy admits', async () => {
    const created: string[] = [];
    const checked: boolean[] = [];
    win().trustedTypes = {
      createPolicy: (name: string, rules: Rules) => (created.push(name), {
        createScriptURL: (url: string, admit: (url: string) => boolean) => (checked.push(admit(url)), rules.createScriptURL(url, admit)),
      }),
    };
    const assets = await freshLoader();
    const result = await assets.loadChain('app', [step('canary', [`${cdn}/c.js`, `${cdn}/d.js`])]);
    expect(result.ran).toBe('canary');
    expect(created).toEqual(['client-canary']);
    expect(checked).toEqual([true, true]);
    expect(tags()).toEqual([`${cdn}/c.js`, `${cdn}/d.js`]);
  });

  it('takes a Trusted Types policy that throws for a refused step, not a throw, and runs the next step', async () => {
    win().trustedTypes = {
      createPolicy: () => ({
        createScriptURL: (url: string) => {
          if (url.includes('/canary/')) throw new TypeError('refused by the page');
          return url;
        },
      }),
    };
    const assets = await freshLoader();
    const result = await assets.loadChain('app', [step('canary', [`${cdn}/canary/c.css`, `${cdn}/canary/c.js`]), step('stable', [`${cdn}/s.js`])]);
    expect(result.ran).toBe('stable');
    // Refused before any tag of the step was inserted, as an origin refusal is.
    expect(result.refused).toEqual([`${cdn}/canary/c.js`]);
    expect(result.skipped).toEqual([{ step: 'canary', why: expect.stringContaining('Trusted Types'), missing: false }]);
    expect(tags()).toEqual([`${cdn}/s.js`]);
  });

  it('takes a script.src setter that throws (Trusted Types enforced, policy not listed) for a refused step that inserts nothing', async () => {
    win().trustedTypes = {
      createPolicy: () => {
        throw new TypeError('policy "client-canary" disallowed');
      },
    };
    const create = document.createElement.bind(document);
    vi.spyOn(document, 'createElement').mockImplementation(((tag: string) => {
      const el = create(tag);
      if (tag === 'script')
        Object.defineProperty(el, 'src', {
          set() {
            throw new TypeError("This document requires 'TrustedScriptURL' assignment.");
          },
        });
      return el;
    }) as typeof document.createElement);
    const assets = await freshLoader();
    const result = await assets.loadChain('app', [step('canary', [`${cdn}/c.js`]), step('stable', [`${cdn}/s.js`]), step('fallback', [`${cdn}/f.css`])]);
    expect(result.ran).toBe('fallback');
    expect(result.refused).toEqual([`${cdn}/c.js`, `${cdn}/s.js`]);
    expect(result.skipped.map((s) => s.step)).toEqual(['canary', 'stable']);
    expect(tags()).toEqual([`${cdn}/f.css`]);
  });
});
