// An HTTP server that answers like an S3 bucket website endpoint with CORS configured: it serves
// a folder (plus objects put in memory) on 127.0.0.1 with ETag, 304 on If-None-Match,
// Cache-Control, CORS that exposes ETag and Date, and 403 AccessDenied for a missing key (what S3
// answers when the caller may not list the bucket). Fault knobs per path, request counts per path,
// and collected POST bodies (beacons) make it the test double of a real bucket. The demo serves
// through it too.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * @typedef {object} Fault
 * @property {number} [delayMs]     wait this long before answering
 * @property {number} [status]      answer this status (with an S3-like XML error body)
 * @property {boolean} [truncate]   announce the full length, send half, then cut the connection
 * @property {boolean} [invalidJson] answer a body that is not JSON
 * @property {number} [oversize]    answer a JSON body of this many bytes
 * @property {Record<string, string>} [headers] extra response headers (e.g. a CSP for a page)
 * @property {boolean} [html]       answer 200 with an HTML page (text/html), as a website endpoint's
 *                                  index or error document served in place of the object
 * @property {number} [dripMs]      send the status and headers at once, then the body one byte
 *                                  every dripMs ms (a slow link that never stalls completely)
 * @property {string} [redirect]    answer 302 with this Location (CORS headers kept), e.g. to
 *                                  another origin that serves the object
 * @property {boolean} [noCors]     answer without any Access-Control-* header, as a bucket whose
 *                                  CORS configuration is missing
 * @property {boolean} [hang]       accept the request and never answer (no status, no body) until
 *                                  the client gives up or the server closes
 */

/**
 * Starts a bucket-like server.
 * @param {{ root?: string, port?: number, cacheControl?: string, cors?: boolean, log?: boolean,
 *   onPost?: (path: string, body: string, headers: import('node:http').IncomingHttpHeaders) => Promise<{ status: number, body: unknown } | undefined> }} [options]
 *   onPost answers a POST (an API of the demo); otherwise POST bodies are collected as beacons.
 */
export async function startBucketServer(options = {}) {
  const { root, port = 0, cacheControl = 'max-age=60', cors = true } = options;
  /** @type {Map<string, { body: Buffer, type: string, cacheControl?: string }>} */
  const objects = new Map();
  /** @type {Map<string, Fault>} */
  const faults = new Map();
  /** @type {Map<string, number>} */
  const counts = new Map();
  /** @type {{ path: string, body: string, type: string | undefined }[]} */
  const posts = [];
  /** @type {{ method: string, path: string, at: number }[]} */
  const log = [];

  const find = async (path) => {
    const object = objects.get(path);
    if (object) return object;
    if (!root) return undefined;
    const file = normalize(join(root, path));
    if (!file.startsWith(normalize(root) + sep) && file !== normalize(root)) return undefined;
    try {
      const info = await stat(file);
      const target = info.isDirectory() ? join(file, 'index.html') : file;
      return { body: await readFile(target), type: TYPES[extname(target)] ?? 'application/octet-stream' };
    } catch {
      return undefined;
    }
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    counts.set(path, (counts.get(path) ?? 0) + 1);
    log.push({ method: req.method ?? 'GET', path, at: Date.now() });
    if (options.log) console.log(`${req.method} ${path}`);
    const fault = faults.get(path) ?? {};
    const headers = { ...(fault.headers ?? {}) };
    if (cors && !fault.noCors) {
      headers['Access-Control-Allow-Origin'] = '*';
      headers['Access-Control-Expose-Headers'] = 'ETag, Date';
    }
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));

    if (req.method === 'OPTIONS') {
      res.writeHead(200, { ...headers, 'Access-Control-Allow-Methods': 'GET, HEAD, POST', 'Access-Control-Max-Age': '3000' });
      res.end();
      return;
    }
    if (req.method === 'POST') {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const body = Buffer.concat(chunks).toString('utf8');
      posts.push({ path, body, type: req.headers['content-type'] });
      const answer = await options.onPost?.(path, body, req.headers);
      if (answer) {
        res.writeHead(answer.status, { ...headers, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify(answer.body));
        return;
      }
      res.writeHead(204, headers);
      res.end();
      return;
    }
    if (fault.hang) return;
    if (fault.redirect) {
      res.writeHead(302, { ...headers, Location: fault.redirect, 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    if (fault.status) return sendError(res, fault.status, headers);

    let object = await find(path);
    if (fault.invalidJson) object = { body: Buffer.from('{"version": 1, "features": {'), type: 'application/json' };
    if (fault.oversize) object = { body: Buffer.from(JSON.stringify({ version: 1, features: {}, revision: 'x'.repeat(fault.oversize) })), type: 'application/json' };
    if (fault.html) object = { body: Buffer.from('<!doctype html><html><head><title>Not here</title></head><body><h1>Welcome</h1></body></html>\n'), type: 'text/html; charset=utf-8' };
    if (!object) return sendError(res, 403, headers);

    const etag = `"${createHash('md5').update(object.body).digest('hex')}"`;
    Object.assign(headers, { ETag: etag, 'Content-Type': object.type, 'Cache-Control': object.cacheControl ?? cacheControl });
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    headers['Content-Length'] = String(object.body.length);
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    if (fault.truncate) {
      res.write(object.body.subarray(0, Math.floor(object.body.length / 2)));
      setTimeout(() => res.destroy(), 20);
      return;
    }
    if (fault.dripMs) {
      const body = object.body;
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        res.write(body.subarray(sent, ++sent));
        if (sent >= body.length) {
          clearInterval(timer);
          res.end();
        }
      }, fault.dripMs);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.end(object.body);
  });

  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;

  return {
    origin,
    /** @param {string} path */
    url: (path) => new URL(path, origin).href,
    /** Puts an object in memory (it shadows a file of the same path): bytes, text, or JSON of a value. */
    put(path, body, { type = TYPES[extname(path)] ?? 'application/octet-stream', cacheControl: objectCacheControl } = {}) {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body, null, 2));
      objects.set(path, { body: bytes, type, cacheControl: objectCacheControl });
    },
    delete: (path) => objects.delete(path),
    /** @param {string} path @param {Fault | undefined} fault */
    fault(path, fault) {
      if (fault) faults.set(path, fault);
      else faults.delete(path);
    },
    count: (path) => counts.get(path) ?? 0,
    resetCounts: () => counts.clear(),
    /** Every request in order of arrival. */
    log,
    posts,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve(undefined)); }),
  };
}

function sendError(res, status, headers) {
  const code = status === 403 ? 'AccessDenied' : status === 404 ? 'NoSuchKey' : status >= 500 ? 'InternalError' : 'Error';
  res.writeHead(status, { ...headers, 'Content-Type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code}</Message></Error>`);
}
