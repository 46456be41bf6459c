// client-canary/server: the cookie, the decisions, and the bootstrap the browser starts from.
import { describe, expect, it } from 'vitest';
import { createCanary } from '../../src/index';
import { decide } from '../../src/decide/decide';
import { canaryForRequest } from '../../src/server/index';
import { userIds } from '../helpers/configs';
import { MemoryStorage } from '../helpers/memory-storage';

const now = Date.parse('2026-11-26T12:00:00Z');
const config = {
  version: 1,
  revision: 's1',
  features: {
    app: { percentage: 50, stable: { flags: { tone: 'calm' } }, canary: { flags: { tone: 'bold</script><script>alert(1)</script>' } } },
    ramped: { ramp: { start: '2026-11-26T11:00:00Z', steps: [{ after: '0m', percentage: 10 }, { after: '59m', percentage: 60 }, { after: '61m', percentage: 100 }] }, canary: { flags: { wide: true } } },
    kiwi: { percentage: 100, match: { country: ['NZ'] }, canary: { flags: { fern: 1 } } },
  },
};

describe('canaryForRequest', () => {
  it('makes an id and a Set-Cookie for a request without one, Secure over https', () => {
    const plain = canaryForRequest({ headers: {} }, { config, now });
    expect(plain.userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(plain.setCookie).toBe(`client_canary_uid=${plain.userId}; Path=/; Max-Age=31536000; SameSite=Lax`);
    expect(canaryForRequest(new Request('https://shop.example/'), { config }).setCookie).toMatch(/; Secure$/);
    expect(canaryForRequest({ headers: { 'x-forwarded-proto': 'https' } }, { config }).setCookie).toMatch(/; Secure$/);
    expect(canaryForRequest({ headers: {} }, { config, secure: true }).setCookie).toMatch(/; Secure$/);
    expect(canaryForRequest(undefined, { config }).setCookie).toMatch(/^client_canary_uid=/);
  });

  it('reads the id from the cookie the browser wrote, in Node and Fetch requests alike', () => {
    const cookie = 'theme=dark; client_canary_uid=user%40example.com; other=1';
    for (const request of [{ headers: { cookie } }, new Request('http://shop.example/', { headers: { cookie } }), { headers: { cookie: ['theme=dark', 'client_canary_uid=user%40example.com'] } }]) {
      const canary = canaryForRequest(request, { config, now });
      expect(canary.userId).toBe('user@example.com');
      expect(canary.setCookie).toBeUndefined();
      expect(canary.decide('app')).toMatchObject({ userIdSource: 'cookie' });
    }
  });

  it('reads headers of any case from a plain record, and the first cookie of the name only, as the browser does', () => {
    expect(canaryForRequest({ headers: { Cookie: 'client_canary_uid=abc' } }, { config }).userId).toBe('abc');
    expect(canaryForRequest({ headers: { 'X-Forwarded-Proto': ['HTTPS', 'http'] } }, { config }).setCookie).toMatch(/; Secure$/);
    const twice = canaryForRequest({ headers: { cookie: 'client_canary_uid=bad!; client_canary_uid=good' } }, { config });
    expect(twice.userId).not.toBe('good');
    expect(twice.setCookie).toContain(twice.userId);
    expect(canaryForRequest({ headers: {} }, undefined as never).decide('app')).toMatchObject({ variant: 'stable', reason: 'fallback' });
  });

  it('does not take a cookie that is not an id: a new id and cookie instead', () => {
    for (const cookie of ['client_canary_uid=%E0%A4%A', 'client_canary_uid=a b', `client_canary_uid=${'x'.repeat(129)}`, 'client_canary_uid=']) {
      const canary = canaryForRequest({ headers: { cookie } }, { config });
      expect(canary.setCookie).toContain(canary.userId);
    }
  });

  it("the app's own id wins, with no cookie set", () => {
    const canary = canaryForRequest({ headers: { cookie: 'client_canary_uid=device' } }, { config, userId: 'account-7' });
    expect(canary).toMatchObject({ userId: 'account-7', setCookie: undefined });
    expect(canary.decide('app')).toMatchObject({ userIdSource: 'option', bucket: decide(config as never, 'app', { userId: 'account-7' }).bucket });
  });

  it("decides as decide() does, ramps at the server's clock, targeting by the attributes", () => {
    for (const userId of userIds(30)) {
      const canary = canaryForRequest({ headers: { cookie: `client_canary_uid=${userId}` } }, { config, now, attributes: { country: 'NZ' } });
      for (const feature of ['app', 'ramped', 'kiwi'])
        expect(canary.decide(feature)).toEqual(decide(config as never, feature, { userId, userIdSource: 'cookie', now, attributes: { country: 'NZ' } }));
      expect(canary.variants()).toEqual({ app: canary.variant('app'), ramped: canary.variant('ramped'), kiwi: 'canary' });
      expect(canary.flag('fern', 0)).toBe(1);
      expect(canary.flag('tone', 0)).toBe(0);
      expect(canary.decide('ramped').percentage).toBe(60);
    }
  });

  it('decides everything stable on an invalid config, says why, and gives no bootstrap', () => {
    const canary = canaryForRequest({ headers: {} }, { config: { ...config, features: { app: { percentage: 500 } } } });
    expect(canary.errors?.[0]).toMatchObject({ path: 'features.app.percentage' });
    expect(canary.decide('app')).toMatchObject({ variant: 'stable', reason: 'fallback' });
    expect(canary.bootstrap).toBeUndefined();
    expect(canary.bootstrapJson()).toBe('null');
  });

  it('gives a bootstrap JSON that cannot end its script element, and parses back to the bootstrap', () => {
    const canary = canaryForRequest({ headers: { cookie: 'client_canary_uid=u-1' } }, { config, now, attributes: { country: 'NZ' } });
    const json = canary.bootstrapJson();
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual({ config, userId: 'u-1', userIdSource: 'cookie', serverDate: now, attributes: { country: 'NZ' } });
  });

  it('and the browser, started from that bootstrap, decides the same for every user', async () => {
    const browserNow = now + 90_000; // the browser's clock is 90 s ahead: past the next ramp step, on its own clock
    for (const userId of userIds(40)) {
      const server = canaryForRequest({ headers: { cookie: `client_canary_uid=${userId}` } }, { config, now, attributes: { country: 'NZ' } });
      const storage = new MemoryStorage();
      storage.setItem('client-canary:uid', 'an-older-id');
      const client = createCanary({ configUrl: 'http://127.0.0.1:9/unused.json', bootstrap: JSON.parse(server.bootstrapJson()), storage, now: () => browserNow, fetch: () => new Promise(() => undefined) });
      // At once: no await.
      expect(client.getSnapshot()).toMatchObject({ ready: true, variants: server.variants(), flags: server.flags() });
      expect(client.context()).toEqual({ userId, variants: server.variants() });
      expect(storage.getItem('client-canary:uid')).toBe(userId);
    }
  });
});
