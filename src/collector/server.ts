import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { healthRecordSchema } from '../health/record-schema';
import { createCounts, type Counts } from './counts';

/** SPEC 9: a record is at most 64 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface CollectorOptions {
  host?: string;
  /** 0 for any free port. */
  port?: number;
  /** Origins whose pages may post; default any (records carry no secret). */
  allowOrigins?: string[];
  /** Appends every accepted record to this file as one line of JSON. */
  out?: string;
  /** The longest a request may take, headers and body (default 10 s). */
  requestTimeoutMs?: number;
}

export interface Collector {
  /** `http://host:port`. */
  url: string;
  counts: Counts;
  close(): Promise<void>;
}

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The body, refused past the cap as soon as it passes it (announced or not). */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > MAX_BODY_BYTES) return reject(new Refused(413, 'too-large', `a record is at most ${MAX_BODY_BYTES} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      // Past the cap: keep nothing more, let the rest drain, and answer 413 (Connection: close).
      req.off('data', onData);
      req.resume();
      chunks.length = 0;
      reject(new Refused(413, 'too-large', `a record is at most ${MAX_BODY_BYTES} bytes`));
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * `client-canary collect` (SPEC 9): takes health records on `POST /r`, counts them per feature,
 * revision and arm, and serves the counts on `GET /metrics` (Prometheus) and `GET /summary`
 * (JSON). It keeps no session: many collectors behind a load balancer are summed by one
 * Prometheus. A bad record is counted and refused, never kept; nothing a client sends stops it.
 */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const counts = createCounts();
  const out: WriteStream | undefined = options.out ? createWriteStream(options.out, { flags: 'a' }) : undefined;
  out?.on('error', (error) => console.error(`client-canary collect: cannot write ${options.out}: ${error.message}`));
  const allowed = options.allowOrigins?.length ? options.allowOrigins : undefined;

  const cors = (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    if (!allowed) res.setHeader('Access-Control-Allow-Origin', '*');
    else if (origin && allowed.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    }
  };
  const send = (res: ServerResponse, status: number, body = '', type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, body ? { 'Content-Type': type, 'Cache-Control': 'no-store' } : { 'Cache-Control': 'no-store' });
    res.end(body);
  };

  const take = async (req: IncomingMessage): Promise<void> => {
    const origin = req.headers.origin;
    if (allowed && origin && !allowed.includes(origin)) throw new Refused(403, 'origin', `origin ${origin} may not post records`);
    const type = (req.headers['content-type'] ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
    if (type !== 'text/plain' && type !== 'application/json') throw new Refused(415, 'media-type', 'a record is text/plain or application/json');
    const text = await readBody(req);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Refused(400, 'json', 'the body is not JSON');
    }
    const parsed = healthRecordSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Refused(400, 'schema', `not a health record v1: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    }
    const features = parsed.data.exposures.map((e) => e.feature);
    if (new Set(features).size !== features.length) throw new Refused(400, 'schema', 'not a health record v1: exposures: a feature appears twice');
    if (!counts.add(parsed.data)) throw new Refused(503, 'series', 'too many feature × revision × arm series on this collector');
    out?.write(`${JSON.stringify(parsed.data)}\n`);
  };

  // A slow client cannot hold a socket for long, nor many of them for ever: requests are checked
  // every second against their time limit.
  const requestTimeout = options.requestTimeoutMs ?? 10_000;
  const limits = { requestTimeout, headersTimeout: Math.min(requestTimeout, 10_000), keepAliveTimeout: 5_000, connectionsCheckingInterval: Math.min(requestTimeout, 1_000) };
  const server = createServer(limits, (req, res) => {
    const handle = async () => {
      cors(req, res);
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://collector');
      } catch {
        return send(res, 400, 'not a URL');
      }
      const route = `${req.method} ${url.pathname}`;
      if (route === 'POST /r') {
        await take(req);
        return send(res, 204);
      }
      if (req.method === 'OPTIONS' && url.pathname === '/r') {
        res.setHeader('Access-Control-Allow-Methods', 'POST');
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
        res.setHeader('Access-Control-Max-Age', '86400');
        return send(res, 204);
      }
      if (route === 'GET /metrics') return send(res, 200, await counts.registry.metrics(), counts.registry.contentType);
      if (route === 'GET /summary') {
        const feature = url.searchParams.get('feature');
        if (!feature) return send(res, 400, 'GET /summary?feature=app[&revision=R]');
        return send(res, 200, JSON.stringify(counts.summary(feature, url.searchParams.get('revision') ?? undefined)), 'application/json');
      }
      if (route === 'GET /healthz') return send(res, 200, 'ok');
      send(res, 404, 'POST /r, GET /metrics, GET /summary?feature=…, GET /healthz');
    };
    handle().catch((error: unknown) => {
      if (error instanceof Refused) counts.reject(error.reason);
      if (res.headersSent) return res.destroy();
      // The connection of an oversized body is closed: reading on would cost what the cap saves.
      if (error instanceof Refused && error.status === 413) res.setHeader('Connection', 'close');
      send(res, error instanceof Refused ? error.status : 500, error instanceof Refused ? error.message : 'internal error');
    });
  });
  server.on('clientError', (_, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => (out ? out.end(() => resolve()) : resolve()));
      }),
  };
}
