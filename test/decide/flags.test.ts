import { describe, expect, it, vi } from 'vitest';
import type { CanaryConfig } from '../../src/config/schema';
import { allFlags, featuresOf, flagsIn, flagValue, ownerOf, type Fallback } from '../../src/decide/flags';

const config: CanaryConfig = {
  version: 1,
  revision: 'r1',
  features: {
    app: { percentage: 50, stable: { flags: { newCheckout: false, theme: 'light' } }, canary: { flags: { newCheckout: true, theme: 'dark', limit: 5 } } },
    search: { percentage: 0, stable: { flags: { engine: 'v1' } } },
  },
};
const fallback: Fallback = { app: { flags: { newCheckout: false, theme: 'plain' } }, other: { assets: ['other.js'] } };
const canary = () => 'canary' as const;
const stable = () => 'stable' as const;

describe('flag lookup', () => {
  it('lists the config\'s features, or the fallback\'s without a config', () => {
    expect(featuresOf(config, fallback)).toEqual(['app', 'search']);
    expect(featuresOf(null, fallback)).toEqual(['app', 'other']);
    expect(featuresOf(null, undefined)).toEqual([]);
  });

  it('finds the feature that owns a flag in either variant', () => {
    expect(ownerOf(config, undefined, 'limit')).toBe('app'); // declared by the canary only
    expect(ownerOf(config, undefined, 'engine')).toBe('search');
    expect(ownerOf(config, undefined, 'nope')).toBeUndefined();
    expect(ownerOf(config, undefined, 'toString')).toBeUndefined();
  });

  it('gives the value in the owner\'s chosen variant, asking only about the owner', () => {
    const choose = vi.fn(canary);
    expect(flagValue(config, undefined, 'theme', choose)).toBe('dark');
    expect(choose.mock.calls).toEqual([['app']]);
    expect(flagValue(config, undefined, 'theme', stable)).toBe('light');
    expect(flagValue(config, undefined, 'limit', stable)).toBeUndefined();
  });

  it('returns a value of any type: the client holds it to the default\'s type', () => {
    expect(flagValue(config, undefined, 'limit', canary)).toBe(5);
    expect(flagValue(config, undefined, 'theme', canary)).toBe('dark');
  });

  it('uses the fallback\'s flags without a config, as stable, and chooses no variant', () => {
    const choose = vi.fn(canary);
    expect(flagValue(null, fallback, 'theme', choose)).toBe('plain');
    expect(allFlags(null, fallback, choose)).toEqual({ newCheckout: false, theme: 'plain' });
    expect(flagsIn(null, fallback, 'app', 'canary')).toBeUndefined();
    expect(choose).not.toHaveBeenCalled();
  });

  it('gathers every feature\'s flags in its chosen variant', () => {
    expect(allFlags(config, fallback, canary)).toEqual({ newCheckout: true, theme: 'dark', limit: 5 });
    expect(allFlags(config, fallback, stable)).toEqual({ newCheckout: false, theme: 'light', engine: 'v1' });
  });

  it('finds no flags under a feature name that is an Object.prototype key', () => {
    expect(flagsIn(config, fallback, 'constructor', 'stable')).toBeUndefined();
    expect(flagsIn(null, fallback, 'constructor', 'stable')).toBeUndefined();
  });
});
