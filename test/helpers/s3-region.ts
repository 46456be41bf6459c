import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll } from 'vitest';

/** How the bucket answers a request signed for another region, as S3 does in either case. */
export type WrongRegionAnswer = 'redirect' | 'malformed';

export interface RegionalBucket {
  endpoint: string;
  /** The region each request was signed for, in order ("GET us-east-1", "PUT eu-west-2"). */
  requests: string[];
  /** The stored objects, by path (`/bucket/key`). */
  objects: Map<string, string>;
  /** Starts over: no requests, these objects, and this answer to the wrong region. */
  reset(objects: Record<string, string>, answer: WrongRegionAnswer): void;
}

const xml = (code: string, inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code>${inner}<RequestId>local</RequestId></Error>`;
const etagOf = (body: string) => `"${createHash('md5').update(body).digest('hex')}"`;

/**
 * A path-style bucket on 127.0.0.1 that lives in `region`: requests signed (SigV4) for another
 * region get a 301 PermanentRedirect with `x-amz-bucket-region` or a 400
 * AuthorizationHeaderMalformed naming the region, as S3 answers them; the right region gets GET
 * and PUT (with If-Match) on the stored objects.
 */
export function useRegionalBucket(region: string): () => RegionalBucket {
  let server: Server | undefined;
  let bucket: RegionalBucket | undefined;
  let answer: WrongRegionAnswer = 'redirect';
  beforeAll(async () => {
    const requests: string[] = [];
    const objects = new Map<string, string>();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const signedFor = /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\/aws4_request/.exec(req.headers.authorization ?? '')?.[1] ?? '(unsigned)';
        requests.push(`${req.method} ${signedFor}`);
        const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
        if (signedFor !== region) {
          if (answer === 'redirect') {
            res.writeHead(301, { 'Content-Type': 'application/xml', 'x-amz-bucket-region': region });
            res.end(xml('PermanentRedirect', `<Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><Endpoint>${path.split('/')[1]}.s3.${region}.amazonaws.com</Endpoint>`));
          } else {
            res.writeHead(400, { 'Content-Type': 'application/xml' });
            res.end(xml('AuthorizationHeaderMalformed', `<Message>The authorization header is malformed; the region '${signedFor}' is wrong; expecting '${region}'</Message><Region>${region}</Region>`));
          }
          return;
        }
        const stored = objects.get(path);
        if (req.method === 'GET') {
          if (stored === undefined) {
            res.writeHead(404, { 'Content-Type': 'application/xml' });
            return res.end(xml('NoSuchKey', '<Message>The specified key does not exist.</Message>'));
          }
          res.writeHead(200, { 'Content-Type': 'application/json', ETag: etagOf(stored) });
          return res.end(stored);
        }
        if (req.method === 'PUT') {
          const expected = req.headers['if-match'];
          if (expected && (stored === undefined || etagOf(stored) !== expected)) {
            res.writeHead(412, { 'Content-Type': 'application/xml' });
            return res.end(xml('PreconditionFailed', '<Message>At least one of the pre-conditions you specified did not hold</Message>'));
          }
          const body = Buffer.concat(chunks).toString('utf8');
          objects.set(path, body);
          res.writeHead(200, { ETag: etagOf(body) });
          return res.end();
        }
        res.writeHead(405);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    bucket = {
      endpoint: `http://127.0.0.1:${port}`,
      requests,
      objects,
      reset(initial, wrongRegion) {
        requests.length = 0;
        objects.clear();
        for (const [path, body] of Object.entries(initial)) objects.set(path, body);
        answer = wrongRegion;
      },
    };
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });
  return () => bucket!;
}
