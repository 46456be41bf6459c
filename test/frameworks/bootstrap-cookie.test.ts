// @vitest-environment happy-dom
// A page started from a server's bootstrap keeps the server's id in the cookie too: the next
// request carries it even when the server's Set-Cookie never arrived (a CDN stripped it).
import { afterEach, expect, it } from 'vitest';
import { createCanary } from '../../src/index';
import { canaryForRequest } from '../../src/server/index';

const config = { version: 1 as const, features: { app: { percentage: 50 } } };

afterEach(() => {
  document.cookie = 'client_canary_uid=; Max-Age=0; Path=/';
  localStorage.clear();
});

it('keeps one id over page loads whose Set-Cookie is lost', () => {
  const ids = new Set<string>();
  for (let load = 0; load < 3; load++) {
    const server = canaryForRequest({ headers: { cookie: document.cookie } }, { config });
    const client = createCanary({ configUrl: 'http://127.0.0.1:9/unused.json', bootstrap: JSON.parse(server.bootstrapJson()), fetch: () => new Promise(() => undefined) });
    ids.add(client.context().userId);
    expect(client.context().userId).toBe(server.userId);
  }
  expect(ids.size).toBe(1);
  expect(document.cookie).toContain(`client_canary_uid=${[...ids][0]}`);
});

it("does not put the app's own id in the device's cookie", () => {
  const server = canaryForRequest({ headers: {} }, { config, userId: 'account-9' });
  createCanary({ configUrl: 'http://127.0.0.1:9/unused.json', bootstrap: server.bootstrap, fetch: () => new Promise(() => undefined) });
  expect(document.cookie).not.toContain('account-9');
});
