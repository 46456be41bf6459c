// OpenFeature's evaluation scenarios (the spec's gherkin `evaluation.feature`), translated by hand
// for the ones a canary config can express. Those scenarios assume a provider loaded with their
// test flags: variants named `on`, `greeting`, `ten`, `half`, `template`, reason STATIC, and object
// flags. A canary config's variants are `stable` and `canary` and its flags are booleans, numbers
// and strings, so the detail scenarios (variant and reason) and the object ones cannot pass by
// design; their values, the context-aware one and the two error ones run here.
import { OpenFeature, ErrorCode, StandardResolutionReasons } from '@openfeature/web-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CanaryProvider } from '../../src/openfeature/provider';
import { MemoryStorage } from '../helpers/memory-storage';

// The test flags' values as the stable variant of one feature; `context-aware` targets by context.
const config = {
  version: 1 as const,
  features: {
    flags: { percentage: 0, stable: { flags: { 'boolean-flag': true, 'string-flag': 'hi', 'integer-flag': 10, 'float-flag': 0.5, 'wrong-flag': 'i am a string' } } },
    aware: {
      percentage: 100,
      match: { fn: ['Sulisław'], ln: ['Świętopełk'], age: [29], customer: [false] },
      stable: { flags: { 'context-aware': 'EXTERNAL' } },
      canary: { flags: { 'context-aware': 'INTERNAL' } },
    },
  },
};

const client = () => OpenFeature.getClient('conformance');

beforeAll(async () => {
  await OpenFeature.setProviderAndWait('conformance', new CanaryProvider({ configUrl: 'http://127.0.0.1:9/unused.json', bootstrap: config, storage: new MemoryStorage() }));
});
afterAll(() => OpenFeature.clearProviders());

describe('evaluation.feature, as a canary config can express it', () => {
  it('Resolves boolean, string, integer and float values', () => {
    expect(client().getBooleanValue('boolean-flag', false)).toBe(true);
    expect(client().getStringValue('string-flag', 'bye')).toBe('hi');
    expect(client().getNumberValue('integer-flag', 1)).toBe(10);
    expect(client().getNumberValue('float-flag', 0.1)).toBe(0.5);
  });

  it('Resolves based on context, and the default flag value when the context is empty', async () => {
    await OpenFeature.setContext('conformance', { fn: 'Sulisław', ln: 'Świętopełk', age: 29, customer: false });
    expect(client().getStringValue('context-aware', 'EXTERNAL')).toBe('INTERNAL');
    await OpenFeature.setContext('conformance', {});
    expect(client().getStringValue('context-aware', 'EXTERNAL')).toBe('EXTERNAL');
  });

  it('Flag not found: the default, reason ERROR, FLAG_NOT_FOUND', () => {
    expect(client().getStringDetails('missing-flag', 'uh-oh')).toMatchObject({ value: 'uh-oh', reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.FLAG_NOT_FOUND });
  });

  it('Type error: the default, reason ERROR, TYPE_MISMATCH', () => {
    expect(client().getNumberDetails('wrong-flag', 13)).toMatchObject({ value: 13, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.TYPE_MISMATCH });
  });

  it('Resolves details: values as expected, variants and reasons of a canary (not the test flags\' STATIC ones)', () => {
    expect(client().getBooleanDetails('boolean-flag', false)).toMatchObject({ value: true, variant: 'stable', reason: StandardResolutionReasons.SPLIT });
    expect(client().getObjectDetails('object-flag', {})).toMatchObject({ errorCode: ErrorCode.FLAG_NOT_FOUND });
  });
});
