import { afterAll, beforeAll } from 'vitest';
import { startBucketServer } from '../../demo/bucket-server.mjs';

export type Bucket = Awaited<ReturnType<typeof startBucketServer>>;

/** A bucket-like server on 127.0.0.1 for the tests of one file, closed after them. */
export function useBucket(options: Parameters<typeof startBucketServer>[0] = {}): () => Bucket {
  let bucket: Bucket | undefined;
  beforeAll(async () => {
    bucket = await startBucketServer(options);
  });
  afterAll(() => bucket?.close());
  return () => bucket!;
}
