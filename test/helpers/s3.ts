import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import S3rver from 's3rver';

export const BUCKET = 'canary-bucket';

/**
 * The bucket CORS rules of the README, as `aws s3api put-bucket-cors --cors-configuration
 * file://docs/s3-cors.json` takes them, turned into the XML that S3 (and s3rver) store.
 */
export function corsXml(): string {
  const { CORSRules } = JSON.parse(readFileSync('docs/s3-cors.json', 'utf8')) as { CORSRules: Record<string, (string | number)[] | number>[] };
  const tags: Record<string, string> = { AllowedOrigins: 'AllowedOrigin', AllowedMethods: 'AllowedMethod', AllowedHeaders: 'AllowedHeader', ExposeHeaders: 'ExposeHeader', MaxAgeSeconds: 'MaxAgeSeconds' };
  const rules = CORSRules.map(
    (rule) => `<CORSRule>${Object.entries(rule).flatMap(([key, value]) => [value].flat().map((v) => `<${tags[key]}>${v}</${tags[key]}>`)).join('')}</CORSRule>`,
  );
  return `<CORSConfiguration>${rules.join('')}</CORSConfiguration>`;
}

export interface S3Servers {
  /** s3rver itself. */
  endpoint: string;
  /** A front that enforces If-Match on PUT (s3rver ignores it) and forwards everything else. */
  strictEndpoint: string;
  env: Record<string, string>;
  /** Runs once, in the front, after the next GET was answered: a colleague's edit in between. */
  afterNextGet(hook: () => Promise<void>): void;
  /** The front answers the next conditional PUT with this status and S3 error code. */
  failNextPut(status: number, code: string): void;
}

/** s3rver on 127.0.0.1 with the README's CORS rules, and the If-Match front, for one test file. */
export function useS3(): () => S3Servers {
  let s3: S3rver | undefined;
  let front: Server | undefined;
  let directory = '';
  let servers: S3Servers | undefined;
  let afterGet: (() => Promise<void>) | undefined;
  let putFailure: { status: number; code: string } | undefined;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 's3rver-'));
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET, configs: [corsXml()] }] });
    const { port } = await s3.run();
    const endpoint = `http://127.0.0.1:${port}`;
    front = createServer((req, res) => {
      const forward = () => {
        const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          const hook = req.method === 'GET' ? afterGet : undefined;
          if (hook) afterGet = undefined;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.on('end', () => void hook?.());
          answer.pipe(res);
        });
        req.pipe(upstream);
      };
      const expected = req.headers['if-match'];
      if (req.method !== 'PUT' || !expected) return forward();
      if (putFailure) {
        const { status, code } = putFailure;
        putFailure = undefined;
        req.resume();
        res.writeHead(status, { 'Content-Type': 'application/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
        return;
      }
      // What S3 does with a conditional write: compare with the object's current ETag first.
      request({ host: '127.0.0.1', port, method: 'HEAD', path: req.url!.split('?')[0], headers: { host: req.headers.host! } }, (head) => {
        head.resume();
        if (head.statusCode === 200 && head.headers.etag === expected) return forward();
        req.resume();
        res.writeHead(412, { 'Content-Type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>');
      }).end();
    });
    await new Promise<void>((resolve) => front!.listen(0, '127.0.0.1', resolve));
    const frontPort = (front.address() as { port: number }).port;
    servers = {
      endpoint,
      strictEndpoint: `http://127.0.0.1:${frontPort}`,
      // s3rver's fixed credentials; the CLI finds them through the standard chain (environment).
      env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' },
      afterNextGet: (hook) => (afterGet = hook),
      failNextPut: (status, code) => (putFailure = { status, code }),
    };
  });
  afterAll(async () => {
    await new Promise((resolve) => front?.close(resolve));
    await s3?.close();
    rmSync(directory, { recursive: true, force: true });
  });
  return () => servers!;
}
