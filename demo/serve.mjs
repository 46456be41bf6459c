// `npm run demo`: serves the demo page, its canary-config.json and both app versions on
// http://127.0.0.1:8080 (PORT to change), through the same bucket-like server the tests use.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startBucketServer } from './bucket-server.mjs';

const port = Number(process.env.PORT ?? 8080);
// The config is revalidated on every load (the SDK's own maxAgeMs bounds how long it is trusted).
const server = await startBucketServer({ root: fileURLToPath(new URL('public', import.meta.url)), port, cacheControl: 'no-cache' });
server.put('/client-canary.min.js', readFileSync(new URL('../dist/client-canary.min.js', import.meta.url)));
console.log(`client-canary demo on ${server.origin}/  (edit demo/public/canary-config.json, then reload; Ctrl+C stops)`);
