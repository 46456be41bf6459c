import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, configFile } from '../helpers/cli';
import { useChromium } from '../helpers/chromium';
import { BUCKET, useS3 } from '../helpers/s3';
import { useSites } from '../helpers/sites';

const chromium = useChromium();
const s3 = useS3();
const { page: sitePage } = useSites();

const config = {
  version: 1,
  revision: 'parity-1',
  features: {
    app: { percentage: 37.25, salt: 'app-2026-11', deny: ['denied-user'], allow: ['allowed-user'], stable: { assets: ['/app/1.0.0/app.js'] }, canary: { assets: ['/app/2.0.0/app.js'] } },
    search: { percentage: 80, match: { country: ['NZ', 'AU'] } },
    ramped: { ramp: { start: '2026-11-26T10:00:00Z', steps: [{ after: '0m', percentage: 10 }, { after: '1h', percentage: 60 }] } },
  },
};

describe('the browser decides as the CLI says', () => {
  it('for a config the CLI wrote to S3 (s3rver, with the README CORS rules), fetched by the script tag', async () => {
    const { endpoint, env } = s3();
    const client = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } });
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'parity/canary-config.json', Body: JSON.stringify(config), ContentType: 'application/json' }));
    const configUrl = `${endpoint}/${BUCKET}/parity/canary-config.json`;
    const users = ['allowed-user', 'denied-user', ...Array.from({ length: 30 }, (_, i) => `s3-user-${i}`)];
    const saved = { ...process.env };
    Object.assign(process.env, env, { AWS_ENDPOINT_URL: endpoint });
    let expected: Record<string, unknown>[];
    try {
      expect((await cli('set', `s3://${BUCKET}/parity/canary-config.json`, 'app', '42.5')).code).toBe(0);
      expected = JSON.parse((await cli('decide', `s3://${BUCKET}/parity/canary-config.json`, '--feature', 'app', ...users.flatMap((u) => ['--user', u]))).stdout);
    } finally {
      process.env = saved;
    }
    const { page, errors } = await chromium.open(sitePage({ config: configUrl, load: 'none' }));
    const decisions = await page.evaluate(async (ids) => {
      const configUrl = document.querySelector('script')!.dataset.config!;
      return Promise.all(
        ids.map(async (userId) => {
          const client = window.ClientCanary!.createCanary!({ configUrl, userId });
          await client.ready();
          return client.decide('app');
        }),
      );
    }, users);
    // Same variant, reason, bucket and percentage; the browser says where its id came from.
    expect(decisions.map(({ userIdSource: _s, ...d }) => d)).toEqual(expected.map(({ userIdSource: _s, ...d }: Record<string, unknown>) => d));
    expect(decisions.map((d) => d.revision)).toEqual(users.map(() => expected[0]!.revision));
    expect(decisions.map((d) => d.percentage)).toContain(42.5);
    // ExposeHeaders of the CORS rules: the page could read the Date (and ETag) of the response.
    const cached = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.startsWith('client-canary:config:'))?.[1]);
    expect(JSON.parse(cached!).serverDate).toEqual(expect.any(Number));
    expect(errors).toEqual([]);
  });

  it('for 10,000 random users, features and times: the CLI decide equals the browser build', async () => {
    const path = configFile(config);
    const users = Array.from({ length: 10_000 }, () => randomUUID());
    const usersFile = join(path, '..', 'users.txt');
    writeFileSync(usersFile, users.join('\n'));
    const { page } = await chromium.open(sitePage({ config: 'data:,', load: 'none' }));
    // The loader fetched its validator chunk (client-canary.validate.js) on this cold start.
    await page.waitForFunction(() => window.ClientCanary?.parseConfig);
    for (const [feature, now, attrs] of [
      ['app', '2026-11-26T12:00:00Z', []],
      ['search', '2026-11-26T12:00:00Z', ['--attr', 'country=NZ']],
      ['ramped', '2026-11-26T10:30:00Z', []],
      ['ramped', '2026-11-26T11:30:00Z', []],
    ] as const) {
      const run = await cli('decide', path, '--feature', feature, '--users-file', usersFile, '--now', now, ...attrs);
      const fromCli = JSON.parse(run.stdout) as { variant: string; bucket: number; reason: string; percentage: number }[];
      const inBrowser = await page.evaluate(
        ({ config, feature, users, now, country }) => {
          const parsed = window.ClientCanary!.parseConfig!(config);
          if (!parsed.ok) throw new Error('invalid');
          const attributes = country ? { country } : undefined;
          return users.map((userId) => window.ClientCanary!.decide(parsed.config, feature, { userId, now: Date.parse(now), attributes }));
        },
        { config, feature, users, now, country: attrs.length ? 'NZ' : undefined },
      );
      expect(inBrowser.map((d) => `${d.variant}/${d.reason}/${d.bucket}/${d.percentage}`)).toEqual(fromCli.map((d) => `${d.variant}/${d.reason}/${d.bucket}/${d.percentage}`));
      expect(new Set(fromCli.map((d) => d.variant)).size).toBe(2); // both variants occur: the comparison means something
    }
  });
});
