// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { createAssetLoader } from '../../src/assets/chain';
import { createOriginPolicy } from '../../src/assets/policy';
import { bufferPageErrors, type PageErrors } from '../../src/loader/page-errors';

describe('bufferPageErrors: the guard\'s canary errors', () => {
  const cdn = 'https://cdn.example.com';

  /** A window of its own, and a loader that has run the canary of "app" (URL with a fragment). */
  async function watching() {
    const win = new EventTarget() as unknown as Window;
    const assets = createAssetLoader(document, undefined, createOriginPolicy(undefined, `${cdn}/canary-config.json`), vi.fn());
    await assets.loadChain('app', [{ name: 'canary', assets: [`${cdn}/c.js#v2`], base: cdn }]);
    await assets.loadChain('lib', [{ name: 'stable', assets: [`${cdn}/s.js`], base: cdn }]);
    const onError = vi.fn();
    const errors: PageErrors = { list: [], dropped: 0 };
    bufferPageErrors(win, errors, assets, onError);
    return { win, onError, errors };
  }
  const thrown = (filename: string) => new ErrorEvent('error', { filename, message: 'boom' });

  it.each([`${cdn}/c.js`, `${cdn}/c.js#v2`])('calls back with the feature for an error thrown by the canary script %s', async (filename) => {
    const { win, onError } = await watching();
    const event = thrown(filename);
    win.dispatchEvent(event);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith('app', event);
  });

  it.each([`${cdn}/s.js`, 'https://other.example.com/c.js', `${cdn}/c.js?x=1`, ''])('ignores an error thrown from %j, not a canary URL', async (filename) => {
    const { win, onError } = await watching();
    win.dispatchEvent(thrown(filename));
    expect(onError).not.toHaveBeenCalled();
  });

  it('ignores an error event without a filename (a failed resource, not a thrown error)', async () => {
    const { win, onError } = await watching();
    win.dispatchEvent(new Event('error'));
    expect(onError).not.toHaveBeenCalled();
  });

  it('does nothing without a window', () => {
    expect(() => bufferPageErrors(undefined, { list: [], dropped: 0 }, { canaryOf: () => 'app', featureOf: () => 'app' }, vi.fn())).not.toThrow();
  });
});

describe('bufferPageErrors: the page\'s errors', () => {
  const page = () => {
    const win = new EventTarget() as unknown as Window;
    const errors: PageErrors = { list: [], dropped: 0 };
    bufferPageErrors(win, errors, { canaryOf: () => undefined, featureOf: () => undefined }, vi.fn());
    return { win, errors };
  };

  it('keeps uncaught errors, unhandled rejections and CSP violations, in order', () => {
    const { win, errors } = page();
    win.dispatchEvent(new ErrorEvent('error', { filename: 'https://x.example/a.js', message: 'Uncaught TypeError: x' }));
    const rejection = new Event('unhandledrejection') as PromiseRejectionEvent;
    Object.defineProperty(rejection, 'reason', { value: new Error('nope') });
    win.dispatchEvent(rejection);
    const csp = new Event('securitypolicyviolation') as SecurityPolicyViolationEvent;
    Object.defineProperties(csp, { violatedDirective: { value: 'script-src-elem' }, blockedURI: { value: 'https://evil.example/x.js' } });
    win.dispatchEvent(csp);
    expect(errors.list.map(({ at: _at, ...e }) => e)).toEqual([
      { type: 'error', message: 'Uncaught TypeError: x', source: 'https://x.example/a.js', feature: undefined },
      { type: 'rejection', message: 'nope' },
      { type: 'csp', message: 'script-src-elem', source: 'https://evil.example/x.js' },
    ]);
  });

  it('keeps 20 and counts the rest; a reason whose toString throws is kept without text', () => {
    const { win, errors } = page();
    const rejection = new Event('unhandledrejection') as PromiseRejectionEvent;
    Object.defineProperty(rejection, 'reason', { value: { toString: () => { throw new Error('no'); } } });
    win.dispatchEvent(rejection);
    for (let i = 0; i < 30; i++) win.dispatchEvent(new ErrorEvent('error', { message: `e${i}` }));
    expect(errors.list).toHaveLength(20);
    expect(errors.list[0]!.message).toBe('');
    expect(errors.dropped).toBe(11);
  });
});
