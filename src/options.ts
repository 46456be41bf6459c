import { originOf, originsOf } from './assets/policy';

/** The options of createCanary that need checking, as the client uses them. */
export interface ReadOptions {
  timeoutMs: number;
  maxAgeMs: number;
  maxStaleMs: number;
  guardErrors: number;
  /** 0 for off. */
  refreshIntervalMs: number;
  allowedOrigins: string[] | undefined;
  /** The query parameter of QA overrides, or false for none. */
  overrideParam: string | false;
}

/** The largest delay a timer holds (about 24.8 days): a longer one fires at once. */
const MAX_DELAY = 2 ** 31 - 1;

type RawOptions = Partial<Record<'timeoutMs' | 'maxAgeMs' | 'maxStaleMs' | 'guardErrors' | 'refreshIntervalMs' | 'allowedOrigins' | 'overrideParam', unknown>>;

/**
 * Reads the numeric, origin and override options with their defaults. Options come from plain
 * JavaScript too: a value of the wrong kind is reported through `complain` (with what to write)
 * and the default applies; nothing here throws.
 */
export function readOptions(options: RawOptions, complain: (message: string) => void): ReadOptions {
  const number = (key: keyof RawOptions, otherwise: number, max = Infinity): number => {
    const value = options[key];
    if (value === undefined || (typeof value === 'number' && value >= 0)) return Math.min(value ?? otherwise, max);
    complain(`${key}: expected a number of 0 or more; the default (${otherwise}) applies`);
    return otherwise;
  };
  const every = number('refreshIntervalMs', 0, MAX_DELAY);
  const { allowedOrigins: origins, overrideParam: param } = options;
  const list = origins === undefined || Array.isArray(origins) ? origins : (complain(`allowedOrigins: expected a list of origins, e.g. ['https://cdn.example.com']`), typeof origins === 'string' ? [origins] : []);
  for (const entry of list ?? []) {
    const origin = typeof entry === 'string' ? originOf(entry) : undefined;
    if (!origin || origin === 'null') complain(`allowedOrigins: ${typeof entry === 'string' ? `"${entry}"` : typeof entry} is not an origin; write e.g. "https://cdn.example.com"`);
  }
  const good = param === undefined || param === false || (typeof param === 'string' && param);
  if (!good) complain('overrideParam: expected a query parameter name such as "canary", or false; query overrides are off');
  return {
    timeoutMs: number('timeoutMs', 1500, MAX_DELAY),
    maxAgeMs: number('maxAgeMs', 60_000),
    maxStaleMs: number('maxStaleMs', 7 * 864e5),
    guardErrors: Math.max(1, number('guardErrors', 1)),
    // At least a second; at most what a timer can hold.
    refreshIntervalMs: every && Math.max(every, 1e3),
    allowedOrigins: originsOf(list),
    overrideParam: param === undefined ? 'canary' : good ? (param as string | false) : false,
  };
}
