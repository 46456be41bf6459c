import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_REGION, openS3, regionNamedBy } from '../../src/cli/s3-client';
import { openTarget } from '../../src/cli/target';
import { cli } from '../helpers/cli';
import { useRegionalBucket } from '../helpers/s3-region';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

/**
 * Only these AWS settings, as on a machine with nothing else configured: shared files in a fresh
 * folder (never the real ~/.aws), and no EC2 instance metadata to ask.
 */
function awsEnvironment(variables: Record<string, string>, files: { config?: string; credentials?: string } = {}): void {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  const folder = mkdtempSync(join(tmpdir(), 'client-canary-aws-'));
  writeFileSync(join(folder, 'config'), files.config ?? '');
  writeFileSync(join(folder, 'credentials'), files.credentials ?? '');
  Object.assign(process.env, {
    AWS_CONFIG_FILE: join(folder, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(folder, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...variables,
  });
}

const profileX = {
  config: '[profile x]\nregion = eu-west-2\n',
  credentials: '[x]\naws_access_key_id = AKIDPROFILEX\naws_secret_access_key = profile-secret\n',
};
const keys = { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'env-secret' };

async function regionOfClient(): Promise<string> {
  const { s3, region } = await openS3();
  try {
    expect(await s3.config.region()).toBe(region);
    return region;
  } finally {
    s3.destroy();
  }
}

describe('the S3 region, found as the AWS CLI finds it', () => {
  it('takes the region of the profile that AWS_PROFILE names, from the shared config file', async () => {
    awsEnvironment({ AWS_PROFILE: 'x' }, profileX);
    expect(await regionOfClient()).toBe('eu-west-2');
  });

  it('prefers AWS_REGION, then AWS_DEFAULT_REGION, to the profile', async () => {
    awsEnvironment({ AWS_PROFILE: 'x', AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'sa-east-1' }, profileX);
    expect(await regionOfClient()).toBe('ap-south-1');
    awsEnvironment({ AWS_PROFILE: 'x', AWS_DEFAULT_REGION: 'sa-east-1' }, profileX);
    expect(await regionOfClient()).toBe('sa-east-1');
  });

  it('says in one line that no region is set anywhere, exit 1, before any request', async () => {
    awsEnvironment({ ...keys, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    const run = await cli('status', 's3://canary-bucket/canary-config.json');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`client-canary: ${NO_REGION}`);
    expect(NO_REGION).toBe('no AWS region: set AWS_REGION or a region in your AWS profile (aws configure)');
  });

  it('does not take the profile of another name', async () => {
    awsEnvironment({ ...keys, AWS_PROFILE: 'y' }, profileX);
    await expect(openS3()).rejects.toThrow(NO_REGION);
  });
});

describe('a bucket in another region', () => {
  const bucket = useRegionalBucket('eu-west-2');
  const KEY = '/canary-bucket/site/canary-config.json';
  const TARGET = 's3://canary-bucket/site/canary-config.json';
  const config = (percentage: number) => `${JSON.stringify({ version: 1, revision: '2026-11-01.1', features: { app: { percentage } } }, null, 2)}\n`;

  it('is followed once where S3 redirects (301, x-amz-bucket-region), for the read and the conditional write', async () => {
    bucket().reset({ [KEY]: config(5) }, 'redirect');
    awsEnvironment({ ...keys, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: bucket().endpoint });
    const run = await cli('set', TARGET, 'app', '25');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(bucket().objects.get(KEY)!).features.app.percentage).toBe(25);
    expect(bucket().requests).toEqual(['GET us-east-1', 'GET eu-west-2', 'PUT us-east-1', 'PUT eu-west-2']);
  });

  it('is reached at once with the region of the AWS profile, its credentials too', async () => {
    bucket().reset({ [KEY]: config(5) }, 'malformed');
    awsEnvironment({ AWS_PROFILE: 'x', AWS_ENDPOINT_URL: bucket().endpoint }, profileX);
    const run = await cli('set', TARGET, 'app', '25');
    expect(run.code).toBe(0);
    expect(bucket().requests).toEqual(['GET eu-west-2', 'PUT eu-west-2']);
    expect(JSON.parse(bucket().objects.get(KEY)!).features.app.percentage).toBe(25);
  });

  it('is named in one line when S3 answers AuthorizationHeaderMalformed with its region (exit 3)', async () => {
    bucket().reset({ [KEY]: config(5) }, 'malformed');
    awsEnvironment({ ...keys, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: bucket().endpoint });
    const run = await cli('status', TARGET);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(`client-canary: cannot read ${TARGET}: the bucket is in region eu-west-2, not us-east-1; set AWS_REGION=eu-west-2 (or that region in your AWS profile)`);
  });

  it('keeps the conflict check across a redirect: a stale ETag is refused with exit 2', async () => {
    bucket().reset({ [KEY]: config(5) }, 'redirect');
    awsEnvironment({ ...keys, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: bucket().endpoint });
    const target = openTarget(TARGET);
    const loaded = await target.read();
    bucket().objects.set(KEY, config(50));
    const error = await target.write(config(10), loaded, { maxAgeSeconds: 60 }).catch((e: unknown) => e);
    expect((error as { exitCode?: number }).exitCode).toBe(2);
    expect(JSON.parse(bucket().objects.get(KEY)!).features.app.percentage).toBe(50);
  });
});

describe('regionNamedBy', () => {
  it.each([
    ['the x-amz-bucket-region header', { $response: { headers: { 'x-amz-bucket-region': 'eu-west-2' } } }, 'eu-west-2'],
    ['the Region of an AuthorizationHeaderMalformed body', { Region: 'ap-northeast-1' }, 'ap-northeast-1'],
    ['the regional Endpoint of a PermanentRedirect body', { Endpoint: 'my-bucket.s3.eu-central-1.amazonaws.com' }, 'eu-central-1'],
    ['nothing, for the global endpoint', { Endpoint: 'my-bucket.s3.amazonaws.com' }, undefined],
    ['nothing, for another error', new Error('boom'), undefined],
  ])('reads %s', (_what, error, region) => {
    expect(regionNamedBy(error)).toBe(region);
  });
});
