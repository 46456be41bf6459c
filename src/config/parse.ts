import type * as z from 'zod/mini';
import { protoKeys } from './check';
import { configSchema, type CanaryConfig } from './schema';

/** One validation error: where (`features.app.percentage`) and what was expected. */
export interface ConfigError {
  path: string;
  message: string;
}

/** The result of {@link parseConfig}. */
export type ParseResult = { ok: true; config: CanaryConfig } | { ok: false; errors: ConfigError[] };

/**
 * Validates a parsed `canary-config.json` against the version 1 schema, and refuses a feature,
 * flag or match attribute named `__proto__` (which the schema alone would drop). Never throws.
 *
 * @example
 * const result = parseConfig(JSON.parse(text));
 * if (!result.ok) console.error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
 */
export function parseConfig(json: unknown): ParseResult {
  try {
    const result = configSchema.safeParse(json);
    const reserved = protoKeys(json);
    if (result.success && !reserved.length) return { ok: true, config: result.data };
    return { ok: false, errors: [...reserved, ...(result.success ? [] : result.error.issues.map((issue) => toError(json, issue, [])))] };
  } catch (error) {
    // Hostile input can still exhaust the stack; it is an invalid config, not a crash.
    return { ok: false, errors: [{ path: '', message: `could not be validated: ${String(error)}` }] };
  }
}

const isObject = (value: unknown): value is object => value !== null && typeof value === 'object';

const hasOwn = (value: unknown, key: PropertyKey) => isObject(value) && Object.prototype.hasOwnProperty.call(value, key);

function toError(json: unknown, issue: z.core.$ZodIssue, base: readonly PropertyKey[]): ConfigError {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union') {
    // An asset is a URL or an object: report the branch whose type the input had.
    const aimed = issue.errors.find((branch) => branch[0] && !isTypeMismatch(branch[0]));
    if (aimed) return toError(json, aimed[0]!, path);
    const types = issue.errors.map((branch) => (branch[0] as z.core.$ZodIssueInvalidType).expected);
    return { path: formatPath(path), message: `expected ${types.join(' or ')}, got ${typeOf(valueAt(json, path))}` };
  }
  return { path: formatPath(path), message: describe(issue, valueAt(json, path)) };
}

const isTypeMismatch = (issue: z.core.$ZodIssue) => issue.code === 'invalid_type' && issue.path.length === 0;

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let value = json;
  for (const key of path) {
    if (!hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(top level)';
}

// zod/mini's own message is only "Invalid input": these say what to write instead, without
// echoing the input (which may be 10 MB). Our rules (schema.ts) carry their own expectation.
function describe(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? `is required: expected ${issue.expected}` : `expected ${issue.expected}, got ${typeOf(input)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (check the spelling)`;
    case 'invalid_key':
      return `invalid name: expected ${issue.issues[0]?.message}`;
    default:
      return `expected ${issue.message}`;
  }
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}
