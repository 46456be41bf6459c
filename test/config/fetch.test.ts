import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchConfig } from '../../src/config/fetch';
import { parseConfig } from '../../src/config/parse';

const validator = () => Promise.resolve(parseConfig);
import { oneFeature } from '../helpers/configs';

const url = 'https://cdn.example.com/canary-config.json';

/**
 * A fetch that answers the config after `delayMs` (fake time; Infinity: never), and rejects once
 * its signal aborts.
 */
function slowFetch(delayMs: number): typeof fetch {
  return (_input, init) =>
    new Promise<Response>((resolve, reject) => {
      const answer = () => resolve(new Response(JSON.stringify(oneFeature())));
      const timer = delayMs === Number.POSITIVE_INFINITY ? undefined : setTimeout(answer, delayMs);
      init?.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new DOMException('The operation was aborted.', 'AbortError'));
      });
    });
}

/** Runs fetchConfig while fake time moves on by `elapseMs`. */
async function fetchAfter(timeoutMs: number, delayMs: number, elapseMs: number) {
  const pending = fetchConfig(url, slowFetch(delayMs), timeoutMs, validator);
  await vi.advanceTimersByTimeAsync(elapseMs);
  return pending;
}

describe('fetchConfig timeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts a request slower than the timeout and says after how long', async () => {
    const result = await fetchAfter(100, 500, 200);
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.code, result.error.message]).toEqual(['config-fetch', `config request timed out after 100 ms (${url})`]);
  });

  it('waits for a request that answers before the timeout', async () => {
    expect((await fetchAfter(100, 50, 60)).ok).toBe(true);
  });

  it.each([
    ['larger than a timer can hold', 1e12],
    ['just past the largest timer delay', 2 ** 31],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('does not abort at once when the timeout is %s', async (_, timeoutMs) => {
    expect((await fetchAfter(timeoutMs, 50, 60)).ok).toBe(true);
  });

  it('holds a huge timeout to the largest timer delay, about 24.8 days', async () => {
    const result = await fetchAfter(1e12, Number.POSITIVE_INFINITY, 2 ** 31);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('timed out after 2147483647 ms');
  });

  it.each([
    ['NaN', Number.NaN],
    ['negative', -1],
  ])('uses the default of 1500 ms when the timeout is %s', async (_, timeoutMs) => {
    expect((await fetchAfter(timeoutMs, 1400, 1450)).ok).toBe(true);
    const late = await fetchAfter(timeoutMs, 1600, 1600);
    expect(late.ok).toBe(false);
    if (!late.ok) expect(late.error.message).toContain('timed out after 1500 ms');
  });
});

describe('fetchConfig against a fetch that ignores its signal', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('gives up at the timeout when the request never answers', async () => {
    const pending = fetchConfig(url, () => new Promise<Response>(() => undefined), 300, validator);
    await vi.advanceTimersByTimeAsync(300);
    const result = await pending;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('timed out after 300 ms');
  });

  it('gives up at the timeout when the body never ends', async () => {
    const hung = { ok: true, status: 200, headers: new Headers(), text: () => new Promise<string>(() => undefined) } as unknown as Response;
    const pending = fetchConfig(url, () => Promise.resolve(hung), 300, validator);
    await vi.advanceTimersByTimeAsync(300);
    const result = await pending;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('config-fetch');
  });
});

describe('fetchConfig and the validator chunk', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const answer = () => Promise.resolve(new Response(JSON.stringify(oneFeature())));

  it('asks for the validator before the response arrives, so both load at once', async () => {
    const order: string[] = [];
    const pending = fetchConfig(url, () => (order.push('fetch'), answer()), 1000, () => (order.push('validator'), validator()));
    expect(order).toEqual(['validator', 'fetch']);
    expect((await pending).ok).toBe(true);
  });

  it('fails as a validator error, within the timeout, when the validator never arrives', async () => {
    const pending = fetchConfig(url, answer, 300, () => new Promise(() => undefined));
    await vi.advanceTimersByTimeAsync(300);
    const result = await pending;
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.code, result.error.message]).toEqual(['validator', expect.stringContaining('the validator could not load within 300 ms')]);
  });

  it('fails as a validator error that says why when the validator cannot load', async () => {
    const result = await fetchConfig(url, answer, 1000, () => Promise.reject(new Error('404')));
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.code, result.error.message]).toEqual(['validator', expect.stringContaining('the validator could not load: 404')]);
  });
});
