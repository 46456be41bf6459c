// What a test reads off a page that runs the script tag: the app that ran, the decision, the
// client's events.
import type { Page } from 'playwright-core';

declare global {
  interface Window {
    appVersion?: string;
    appRuns?: string[];
  }
}

interface Seen {
  errors: string[];
  messages: string[];
  exposed: string[];
}

/** The version of the app that ran (its script sets window.appVersion), once one has. */
export async function loadedVersion(page: Page): Promise<string | undefined> {
  await page.waitForFunction(() => window.appVersion, undefined, { timeout: 10_000 });
  return page.evaluate(() => window.appVersion);
}

/** Records the client's `error` codes and messages and exposed features from its start; read them with {@link recorded}. */
export const recordEvents = (page: Page) =>
  page.addInitScript(() => {
    const seen: Seen = { errors: [], messages: [], exposed: [] };
    (window as unknown as { seen: Seen }).seen = seen;
    (window.clientCanaryQueue ||= []).push((client) => {
      client.on('error', (e) => (seen.errors.push(e.code), seen.messages.push(e.message)));
      client.on('exposure', (e) => seen.exposed.push(e.feature));
    });
  });

export const recorded = (page: Page): Promise<Seen> => page.evaluate(() => (window as unknown as { seen: Seen }).seen);

/** The client's decision for `feature`, once it is ready. */
export const decision = (page: Page, feature = 'app') =>
  page.evaluate(async (f) => {
    await window.clientCanary!.ready();
    return window.clientCanary!.decide(f);
  }, feature);
