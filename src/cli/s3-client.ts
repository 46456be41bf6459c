import type { S3Client } from '@aws-sdk/client-s3';
import { CliError, EXIT } from './errors';

export type S3Sdk = typeof import('@aws-sdk/client-s3');

/** The message when neither the environment nor the AWS profile names a region. */
export const NO_REGION = 'no AWS region: set AWS_REGION or a region in your AWS profile (aws configure)';

/**
 * An S3 client as the AWS CLI would make one: credentials and region from the SDK's standard
 * chains (AWS_REGION, else AWS_DEFAULT_REGION, else the region of the profile in the shared
 * config files, AWS_PROFILE choosing it, else the EC2 instance's), AWS_ENDPOINT_URL(_S3) for
 * another S3-compatible endpoint. A bucket in another region is followed once, where S3 names it
 * (301 with `x-amz-bucket-region`). Fails with a CliError (exit 1) when no region can be found.
 */
export async function openS3(): Promise<{ sdk: S3Sdk; s3: S3Client; region: string }> {
  let sdk: S3Sdk;
  // One clear line per error: not the SDK's notice about Node versions on every command.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    sdk = await import('@aws-sdk/client-s3');
  } catch (cause) {
    throw new CliError('s3:// targets need the AWS SDK: npm install @aws-sdk/client-s3', EXIT.invalid, undefined, { cause });
  }
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  // The SDK reads AWS_REGION and the profile itself, but not AWS_DEFAULT_REGION, which the AWS
  // CLI honours: pass a region only when the environment names one, never a made-up default.
  const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  const s3 = new sdk.S3Client({ ...(region ? { region } : {}), followRegionRedirects: true, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) });
  try {
    return { sdk, s3, region: await s3.config.region() };
  } catch (cause) {
    s3.destroy();
    const message = (cause as Error).message ?? String(cause);
    throw new CliError(/region is missing/i.test(message) ? NO_REGION : `cannot find the AWS region: ${message}`, EXIT.invalid, undefined, { cause });
  }
}

/**
 * The region an S3 error says the bucket is in: the `x-amz-bucket-region` header (a 301
 * PermanentRedirect and most other answers from the wrong region), the `Region` of an
 * AuthorizationHeaderMalformed body, or the regional `Endpoint` a redirect names.
 */
export function regionNamedBy(error: unknown): string | undefined {
  const e = error as { $response?: { headers?: Record<string, string | undefined> }; Region?: unknown; BucketRegion?: unknown; Endpoint?: unknown };
  const fromEndpoint = typeof e?.Endpoint === 'string' ? /\bs3[.-](?:dualstack\.)?([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/.exec(e.Endpoint)?.[1] : undefined;
  const named = e?.$response?.headers?.['x-amz-bucket-region'] ?? e?.Region ?? e?.BucketRegion ?? fromEndpoint;
  return typeof named === 'string' && named ? named : undefined;
}
