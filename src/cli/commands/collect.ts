import { startCollector } from '../../collector/server';
import { CliError, EXIT } from '../errors';
import { defineCommand } from '../command';

/** `collect`: the health-record collector (SPEC 9), until SIGINT or SIGTERM. */
export const collect = defineCommand({
  name: 'collect',
  usage: '[--host 127.0.0.1] [--port 8787] [--allow-origin ORIGIN]… [--out FILE]',
  target: 'none',
  args: [],
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    'allow-origin': { type: 'string', multiple: true },
    out: { type: 'string' },
  },
  summary: 'receive the pages\' health records and count them per arm (Prometheus /metrics, JSON /summary)',
  help: `POST /r takes one health record (text/plain or application/json, at most 64 KiB) and answers
204, or 400 with the reason. GET /metrics is the Prometheus text format, GET /summary?feature=app
[&revision=R] the counts per arm as JSON, GET /healthz "ok". Pages post from any origin unless
--allow-origin names them. --out appends every accepted record to FILE, one JSON per line.
It keeps no session: run several behind a load balancer and let one Prometheus sum them.

Examples:
  client-canary collect --port 8787 --out records.ndjson
  client-canary collect --host 0.0.0.0 --allow-origin https://shop.example.com`,
  async run({ values, out }) {
    const port = values.port === undefined ? 8787 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError(`--port ${values.port}: expected a port number from 0 to 65535`, EXIT.invalid);
    for (const origin of values['allow-origin'] ?? []) {
      if (!/^https?:\/\/[^/]+$/.test(origin)) throw new CliError(`--allow-origin ${origin}: expected an origin such as https://shop.example.com`, EXIT.invalid);
    }
    const collector = await startCollector({ host: values.host ?? '127.0.0.1', port, allowOrigins: values['allow-origin'], out: values.out });
    out.log(`client-canary collect: listening on ${collector.url} (POST /r, GET /metrics, GET /summary?feature=…)`);
    await new Promise<void>((resolve) => {
      const stop = () => void collector.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
});
