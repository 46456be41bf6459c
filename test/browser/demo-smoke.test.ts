import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { bucketOf } from '../../src/decide/bucket';
import { useChromium } from '../helpers/chromium';

const chromium = useChromium();
let demo: ChildProcess;
let origin = '';

beforeAll(async () => {
  demo = spawn(process.execPath, ['demo/serve.mjs'], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  origin = await new Promise<string>((resolve, reject) => {
    demo.stdout!.on('data', (chunk: Buffer) => {
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(chunk.toString());
      if (match) resolve(match[0]);
    });
    demo.on('exit', (code) => reject(new Error(`demo exited with ${code}`)));
  });
});
afterAll(() => demo?.kill());

describe('the demo of the quick start', () => {
  it('loads the app version that the bucket of the user id chooses', async () => {
    const { page, errors } = await chromium.open(`${origin}/`);
    await page.waitForSelector('#app[data-version]');
    const version = await page.getAttribute('#app', 'data-version');
    const userId = await page.evaluate(() => localStorage.getItem('client-canary:uid'));
    expect(userId).toBeTruthy();
    expect(version).toBe(bucketOf('app', userId!) < 5000 ? '1.1.0' : '1.0.0');
    await page.waitForFunction(() => document.getElementById('decision')!.textContent!.includes('bucket'));
    expect(await page.textContent('#decision')).toContain(`bucket    ${bucketOf('app', userId!)}`);
    expect(errors).toEqual([]);
  });
});
