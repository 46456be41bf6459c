// The README's collector example, run as written: its collect command (the built CLI, on a free
// port instead of 8787) and its two curl lines, whose output is the JSON the README shows.
import { execFileSync, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { readmeBlock } from '../helpers/readme';

const HEADING = '## Health records and the collector';
const lines = readmeBlock(HEADING, 'sh').split('\n');
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => children.forEach((child) => child.kill('SIGTERM')));

describe("the README's collector example", () => {
  it('posts a record with curl and reads /summary as shown', async () => {
    const [collect, ...curls] = lines as [string, ...string[]];
    expect(collect).toBe('npx client-canary collect --port 8787 &');
    expect(curls).toHaveLength(2);
    // `npx client-canary` is the package's bin, dist/cli.js; the port is a free one.
    const argv = collect.replace(/^npx client-canary /, '').replace(/ &$/, '').replace('8787', '0').split(' ');
    const child = spawn(process.execPath, ['dist/cli.js', ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const url = await new Promise<string>((resolve) => child.stdout!.on('data', (chunk: Buffer) => /listening on (http:\/\/\S+)/.exec(chunk.toString())?.[1] && resolve(/listening on (http:\/\/\S+)/.exec(chunk.toString())![1]!)));
    const port = new URL(url).port;
    const run = (line: string) => execFileSync('bash', ['-c', line.replaceAll('8787', port)], { encoding: 'utf8' });
    expect(run(curls[0]!)).toBe('');
    expect(JSON.parse(run(curls[1]!))).toEqual(JSON.parse(readmeBlock(HEADING, 'json')));
  });
});
