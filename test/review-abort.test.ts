// @vitest-environment happy-dom
import { expect, it } from 'vitest';
import { createCanary } from '../src/create-canary';
import { MemoryStorage } from './helpers/memory-storage';

it('review: the first (cold) config request is no longer aborted at timeoutMs', async () => {
  const inits: (RequestInit | undefined)[] = [];
  const fetch = ((_url: string, init?: RequestInit) => (inits.push(init), new Promise<Response>(() => undefined))) as typeof globalThis.fetch;
  const client = createCanary({ configUrl: 'https://cdn.example/c.json', timeoutMs: 50, storage: new MemoryStorage(), fetch });
  await client.ready();
  expect(inits).toHaveLength(1);
  // CanaryOptions.timeoutMs: "Abort the config request after this long" — the request has no signal at all
  expect(inits[0]?.signal).toBeUndefined(); // BUG: nothing can abort it; a hung request stays open
});
