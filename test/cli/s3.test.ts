import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';
import { BUCKET, useS3 } from '../helpers/s3';

const s3 = useS3();
const config = (percentage: number, revision = '2026-11-01.1') => ({ version: 1, revision, features: { app: { percentage, stable: { assets: ['a.js'] }, canary: { assets: ['b.js'] } } } });
const saved = { ...process.env };

/** Points the CLI (this process) at an endpoint, through the standard environment variables. */
function useEndpoint(endpoint: string): S3Client {
  Object.assign(process.env, s3().env, { AWS_ENDPOINT_URL: endpoint });
  return new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
}
afterEach(() => {
  process.env = { ...saved };
});

const put = (client: S3Client, key: string, body: unknown) =>
  client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify(body, null, 2), ContentType: 'application/json' }));
const get = async (client: S3Client, key: string) => {
  const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return { json: JSON.parse(await object.Body!.transformToString()), etag: object.ETag, contentType: object.ContentType, cacheControl: object.CacheControl };
};

describe('the CLI on an S3-compatible server (s3rver)', () => {
  it('reads, writes with Content-Type and Cache-Control, and the ETag moves', async () => {
    const client = useEndpoint(s3().endpoint);
    await put(client, 'site/canary-config.json', config(5));
    const before = await get(client, 'site/canary-config.json');
    expect((await cli('validate', `s3://${BUCKET}/site/canary-config.json`)).code).toBe(0);
    const run = await cli('set', `s3://${BUCKET}/site/canary-config.json`, 'app', '25', '--max-age', '30');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const after = await get(client, 'site/canary-config.json');
    expect(after.json.features.app.percentage).toBe(25);
    expect(after.json.revision).not.toBe('2026-11-01.1');
    expect(after.contentType).toBe('application/json');
    expect(after.cacheControl).toBe('max-age=30');
    expect(after.etag).not.toBe(before.etag);
    await cli('rollback', `s3://${BUCKET}/site/canary-config.json`, '--all');
    expect((await get(client, 'site/canary-config.json')).cacheControl).toBe('max-age=60');
  });

  it('says a missing key or a dead endpoint cannot be reached (exit 3)', async () => {
    useEndpoint(s3().endpoint);
    const missing = await cli('status', `s3://${BUCKET}/nope.json`);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^client-canary: cannot read s3:\/\/canary-bucket\/nope.json: NoSuchKey/);
    useEndpoint('http://127.0.0.1:9');
    const dead = await cli('status', `s3://${BUCKET}/site/canary-config.json`);
    expect(dead.code).toBe(3);
    expect(dead.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('conflicting edits (against a front that enforces If-Match, as S3 does; s3rver ignores it)', () => {
  it('says a concurrent conditional write (409 ConditionalRequestConflict) is a conflict too: exit 2', async () => {
    const client = useEndpoint(s3().strictEndpoint);
    await put(client, 'busy/canary-config.json', config(5));
    s3().failNextPut(409, 'ConditionalRequestConflict');
    const run = await cli('set', `s3://${BUCKET}/busy/canary-config.json`, 'app', '10');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('changed since it was read; run again');
    expect((await get(client, 'busy/canary-config.json')).json.features.app.percentage).toBe(5);
  });

  it('writes when nobody else wrote since the read', async () => {
    const client = useEndpoint(s3().strictEndpoint);
    await put(client, 'strict/canary-config.json', config(5));
    const run = await cli('set', `s3://${BUCKET}/strict/canary-config.json`, 'app', '10');
    expect(run.code).toBe(0);
    expect((await get(client, 'strict/canary-config.json')).json.features.app.percentage).toBe(10);
  });

  it('refuses with exit 2 when a colleague wrote in between, and keeps the colleague\'s edit', async () => {
    const client = useEndpoint(s3().strictEndpoint);
    await put(client, 'race/canary-config.json', config(5));
    s3().afterNextGet(async () => {
      await put(client, 'race/canary-config.json', config(50, 'colleague'));
    });
    const run = await cli('rollback', `s3://${BUCKET}/race/canary-config.json`, 'app');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`client-canary: s3://${BUCKET}/race/canary-config.json changed since it was read; run again`);
    const object = await get(client, 'race/canary-config.json');
    expect(object.json).toEqual(config(50, 'colleague'));
    // Run again: now it reads the colleague's version and applies on top of it.
    expect((await cli('rollback', `s3://${BUCKET}/race/canary-config.json`, 'app')).code).toBe(0);
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'race/canary-config.json' }));
    expect(head.ContentType).toBe('application/json');
    expect((await get(client, 'race/canary-config.json')).json.features.app.percentage).toBe(0);
  });
});
