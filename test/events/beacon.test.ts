// @vitest-environment happy-dom
import { Window as HappyWindow } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBeacon } from '../../src/events/beacon';

const url = 'https://collector.example.com/v1/events';
const LIMIT = 60 * 1024;
const utf8 = new TextEncoder();
const bytes = (text: string) => utf8.encode(text).length;

let page: HappyWindow;
let sendBeacon: ReturnType<typeof vi.fn<(url: string, body: string) => boolean>>;
let fetcher: ReturnType<typeof vi.fn<(url: string, init: RequestInit) => Promise<Response>>>;

// A page of its own per test: the listeners of an earlier test's beacon stay on theirs.
beforeEach(() => {
  page = new HappyWindow();
  sendBeacon = vi.fn<(url: string, body: string) => boolean>(() => true);
  fetcher = vi.fn<(url: string, init: RequestInit) => Promise<Response>>(() => Promise.resolve(new Response(null, { status: 204 })));
  Object.defineProperty(page.navigator, 'sendBeacon', { value: sendBeacon, configurable: true });
  Object.defineProperty(page, 'fetch', { value: fetcher, configurable: true, writable: true });
});

afterEach(() => page.happyDOM.close());

const beacon = () => createBeacon(url, page as unknown as Window);
const leave = () => page.dispatchEvent(new page.Event('pagehide'));
const hide = () => {
  Object.defineProperty(page.document, 'visibilityState', { value: 'hidden', configurable: true });
  page.document.dispatchEvent(new page.Event('visibilitychange'));
};
/** Every body handed to sendBeacon, then to fetch, parsed. */
const beaconBodies = () => sendBeacon.mock.calls.map(([, body]) => body);
const fetchBodies = () => fetcher.mock.calls.map(([, init]) => init.body as string);
const eventsOf = (bodies: string[]) => bodies.flatMap((body) => JSON.parse(body) as Record<string, unknown>[]);

describe('createBeacon', () => {
  it('sends the queued events as one JSON array when the page is hidden, and not again at pagehide', () => {
    const send = beacon();
    send('exposure', { feature: 'app', variant: 'canary' });
    send('error', new Error('x is undefined'));
    expect(sendBeacon).not.toHaveBeenCalled();
    hide();
    expect(sendBeacon).toHaveBeenCalledTimes(1);
    expect(sendBeacon.mock.calls[0]![0]).toBe(url);
    expect(eventsOf(beaconBodies())).toEqual([
      { type: 'exposure', feature: 'app', variant: 'canary' },
      { type: 'error', message: 'x is undefined' },
    ]);
    leave();
    expect(sendBeacon).toHaveBeenCalledTimes(1);
  });

  it('sends at pagehide too, and nothing when nothing is queued', () => {
    const send = beacon();
    leave();
    expect(sendBeacon).not.toHaveBeenCalled();
    send('exposure', { feature: 'app' });
    leave();
    expect(eventsOf(beaconBodies())).toEqual([{ type: 'exposure', feature: 'app' }]);
  });

  it('splits a large queue into bodies of at most 60 KiB of UTF-8, each a JSON array of whole events, in order', () => {
    const send = beacon();
    // 3 bytes per character: 300 events of 400 characters are 120,000 characters but 360,000 bytes.
    const sent = Array.from({ length: 300 }, (_, i) => ({ type: 'error', n: i, message: '€'.repeat(400) }));
    for (const { type, ...event } of sent) send(type, event);
    leave();
    const bodies = beaconBodies();
    expect(bodies.length).toBeGreaterThanOrEqual(6);
    for (const body of bodies) expect(bytes(body)).toBeLessThanOrEqual(LIMIT);
    expect(eventsOf(bodies)).toEqual(sent);
  });

  it('shortens an event that alone is over 60 KiB instead of dropping it or sending it whole', () => {
    const send = beacon();
    send('error', { feature: 'app', message: 'ü'.repeat(100_000), stack: 'at x\n'.repeat(20_000) });
    send('exposure', { feature: 'app' });
    leave();
    const bodies = beaconBodies();
    for (const body of bodies) expect(bytes(body)).toBeLessThanOrEqual(LIMIT);
    const [error, exposure] = eventsOf(bodies);
    expect(error).toMatchObject({ type: 'error', feature: 'app', truncated: true });
    expect(error!.message).toBe('ü'.repeat(1024));
    expect(exposure).toEqual({ type: 'exposure', feature: 'app' });
  });

  it('shortens an event too big even with short strings to its type, marked truncated', () => {
    const send = beacon();
    send('error', { values: Array.from({ length: 20_000 }, (_, i) => i) });
    leave();
    expect(eventsOf(beaconBodies())).toEqual([{ type: 'error', truncated: true }]);
  });

  it.each([
    ['refuses the body', () => false],
    ['throws', () => {
      throw new TypeError('Illegal invocation');
    }],
  ])('falls back to a keepalive fetch without credentials or headers when sendBeacon %s', (_, refuse) => {
    sendBeacon.mockImplementation(refuse);
    const send = beacon();
    send('exposure', { feature: 'app' });
    leave();
    expect(fetcher).toHaveBeenCalledTimes(1);
    const [target, init] = fetcher.mock.calls[0]!;
    expect(target).toBe(url);
    expect(init).toEqual({ method: 'POST', body: '[{"type":"exposure","feature":"app"}]', keepalive: true, credentials: 'omit' });
  });

  it('falls back to fetch in a browser without sendBeacon', () => {
    Object.defineProperty(page.navigator, 'sendBeacon', { value: undefined, configurable: true });
    const send = beacon();
    send('exposure', { feature: 'app' });
    leave();
    expect(eventsOf(fetchBodies())).toEqual([{ type: 'exposure', feature: 'app' }]);
  });

  it('keeps at most 500 events and sends the count of the others in the next batch', () => {
    const send = beacon();
    for (let n = 0; n < 510; n++) send('error', { n });
    leave();
    const events = eventsOf(beaconBodies());
    expect(events[0]).toEqual({ type: 'dropped', count: 10 });
    expect(events.slice(1)).toEqual(Array.from({ length: 500 }, (_, n) => ({ type: 'error', n })));
    send('error', { n: 510 });
    leave();
    expect(eventsOf(beaconBodies().slice(-1))).toEqual([{ type: 'error', n: 510 }]);
  });

  it('never throws at the page, and counts an event it cannot send as dropped', () => {
    sendBeacon.mockImplementation(() => {
      throw new Error('no');
    });
    fetcher.mockImplementation(() => {
      throw new Error('no either');
    });
    const send = beacon();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const boom = () => {
      throw new Error('boom');
    };
    expect(() => {
      send('error', cyclic);
      send('error', { big: 10n });
      send('error', Object.defineProperty({}, 'message', { get: boom, enumerable: true }));
      send('error', new Proxy({}, { ownKeys: boom }));
      leave();
    }).not.toThrow();
    fetcher.mockImplementation(() => Promise.resolve(new Response(null)));
    sendBeacon.mockReturnValue(true);
    leave();
    expect(eventsOf(beaconBodies().slice(-1))).toEqual([{ type: 'dropped', count: 4 }]);
  });
});
