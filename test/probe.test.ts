import { it } from 'vitest';
import { parseConfig } from '../src/config/parse';
it('probe', () => {
  const inputs: unknown[] = [
    { version: 2, features: {} },
    { version: 1, features: { app: { stable: {flags: {a: true, b:1}}}, b: {canary:{flags:{b:2}}}}},
    JSON.parse('{"version":1,"features":{"app":{"match":{"__proto__":["x"]}}}}'),
    JSON.parse('{"version":1,"features":{"app":{"stable": {"flags": {"__proto__":1, "constructor": 2}}}}}'),
  ];
  for (const i of inputs) {
    const r = parseConfig(i);
    console.log('\n'+JSON.stringify(r));
  }
});
