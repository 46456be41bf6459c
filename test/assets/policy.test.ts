import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOriginPolicy } from '../../src/assets/policy';
import { readOptions } from '../../src/options';

const configUrl = 'https://cfg.example.com/site/canary-config.json';

describe('createOriginPolicy', () => {
  it.each(['https://cdn.example.com/app.js', 'http://cdn.example.com/app.js', 'https://any.example.org:8443/x/y.css?v=1#h'])(
    'admits %s from any http(s) origin without allowedOrigins',
    (url) => {
      expect(createOriginPolicy(undefined, configUrl)(url)).toBeUndefined();
    },
  );

  it.each([
    'data:text/javascript,alert(1)',
    'javascript:alert(1)',
    'blob:https://cdn.example.com/0f1e2d3c-0000-4000-8000-000000000000',
    'file:///etc/passwd',
    'ftp://cdn.example.com/app.js',
  ])('refuses %s, not http(s), even from an allowed origin', (url) => {
    expect(createOriginPolicy(undefined, configUrl)(url)).toMatch(/only http\(s\)/);
    expect(createOriginPolicy(['https://cdn.example.com'], configUrl)(url)).toMatch(/only http\(s\)/);
  });

  it('with allowedOrigins admits only those origins and the config file’s own', () => {
    const admit = createOriginPolicy(['https://cdn.example.com', 'https://static.example.net'], configUrl);
    expect(admit('https://cdn.example.com/v2/app.js')).toBeUndefined();
    expect(admit('https://static.example.net/a.css')).toBeUndefined();
    expect(admit('https://cfg.example.com/elsewhere/app.js')).toBeUndefined();
    expect(admit('https://evil.example.com/app.js')).toMatch(/https:\/\/evil\.example\.com is neither/);
  });

  it('with an empty allowedOrigins admits only the config file’s origin', () => {
    const admit = createOriginPolicy([], configUrl);
    expect(admit('https://cfg.example.com/app.js')).toBeUndefined();
    expect(admit('https://cdn.example.com/app.js')).toBeDefined();
  });

  it('takes another scheme, port or host for another origin, and a host in capitals or a default port for the same', () => {
    const admit = createOriginPolicy(['https://cdn.example.com'], configUrl);
    expect(admit('http://cdn.example.com/app.js')).toBeDefined();
    expect(admit('https://cdn.example.com:8443/app.js')).toBeDefined();
    expect(admit('https://cdn.example.com.evil.net/app.js')).toBeDefined();
    expect(admit('https://CDN.Example.COM/app.js')).toBeUndefined();
    expect(admit('https://cdn.example.com:443/app.js')).toBeUndefined();
    expect(admit('https://user:pw@cdn.example.com/app.js')).toBeUndefined();
  });

  it('admits assets of an allowed origin written with a trailing slash or a path, as readOptions passes it', () => {
    const { allowedOrigins } = readOptions({ allowedOrigins: ['https://cdn.example.com/', 'https://static.example.net/assets/v1/'] }, () => {});
    const admit = createOriginPolicy(allowedOrigins, configUrl);
    expect(admit('https://cdn.example.com/app.js')).toBeUndefined();
    expect(admit('https://static.example.net/other/app.js')).toBeUndefined();
    expect(admit('https://evil.example.com/app.js')).toBeDefined();
  });

  it.each(['', 'not a url', 'http://[', '/relative/app.js', 'app.js', '//cdn.example.com/app.js'])('refuses %j, not a URL, without throwing', (url) => {
    expect(createOriginPolicy(['https://cdn.example.com'], configUrl)(url)).toBe('not a valid URL');
  });

  it('with a config URL that is not a URL admits only allowedOrigins, without throwing', () => {
    const admit = createOriginPolicy(['https://cdn.example.com'], 'not a url');
    expect(admit('https://cdn.example.com/app.js')).toBeUndefined();
    expect(admit('https://cfg.example.com/app.js')).toBeDefined();
  });

  it('returns a reason or nothing for any value, never throwing', () => {
    const admit = createOriginPolicy(['https://cdn.example.com'], configUrl);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.anything()), (url) => {
        const why = admit(url as string);
        return why === undefined || typeof why === 'string';
      }),
      { numRuns: 300 },
    );
  });
});
