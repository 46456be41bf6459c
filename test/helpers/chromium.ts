import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';

export interface PageRun {
  page: Page;
  /** Uncaught errors of the page (`pageerror`), to assert there were none. */
  errors: Error[];
  /** What the page printed on the console. */
  console: string[];
}

/** Connects to the shared Chromium for one test file; each test opens pages in a fresh context. */
export function useChromium(): { open(url?: string, options?: { context?: BrowserContext }): Promise<PageRun>; newContext(): Promise<BrowserContext> } {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await chromium.connect(inject('chromiumEndpoint'));
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(() => browser?.close());
  const newContext = async () => {
    const context = await browser!.newContext();
    contexts.push(context);
    return context;
  };
  return {
    newContext,
    async open(url, options = {}) {
      const context = options.context ?? (await newContext());
      const page = await context.newPage();
      const run: PageRun = { page, errors: [], console: [] };
      page.on('pageerror', (error) => run.errors.push(error));
      page.on('console', (message) => run.console.push(`${message.type()}: ${message.text()}`));
      if (url) await page.goto(url);
      return run;
    },
  };
}
