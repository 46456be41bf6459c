import { parseConfig, type ConfigError } from '../config/parse';
import type { CanaryConfig } from '../config/schema';
import type { Output, Values } from './args';
import { bumpRevision, describeChange, featuresOf, type Change } from './edit';
import { CliError, EXIT } from './errors';
import type { Loaded, Target } from './target';

/** Reads and validates a config; an invalid one is every error with its path, exit 1. */
export async function load(target: Target): Promise<{ loaded: Loaded; json: unknown; config: CanaryConfig }> {
  const { loaded, json } = await readJson(target);
  const result = parseConfig(json);
  if (!result.ok) throw invalid(`${target.name} is invalid (${result.errors.length} error${result.errors.length > 1 ? 's' : ''})`, result.errors);
  return { loaded, json, config: result.config };
}

/**
 * The write path of every command that changes the config: read, change, bump the revision,
 * validate the result (refusing an invalid one), print the changes, write (unless --dry-run).
 */
export async function edit(target: Target, values: Values, out: Output, change: (doc: Record<string, unknown>) => Change[]): Promise<void> {
  const maxAge = values['max-age'] === undefined ? 60 : Number(values['max-age']);
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new CliError(`--max-age: expected whole seconds, got "${values['max-age']}"`, EXIT.invalid);
  const { loaded, json } = await readJson(target);
  const doc = json as Record<string, unknown>;
  featuresOf(doc);
  const changes = change(doc);
  if (!changes.length) {
    out.log('nothing to change');
    return;
  }
  changes.push(bumpRevision(doc, new Date()));
  const result = parseConfig(doc);
  if (!result.ok) throw invalid(`refusing to write: the result would be invalid; ${target.name} is unchanged`, result.errors);
  for (const c of changes) out.log(describeChange(c));
  if (values['dry-run']) {
    out.log(`dry run: ${target.name} not written`);
    return;
  }
  await target.write(`${JSON.stringify(doc, null, 2)}\n`, loaded, { maxAgeSeconds: maxAge });
  out.log(`wrote ${target.name}`);
}

/** The target's text as JSON. A UTF-8 byte order mark, which browsers drop, is dropped too. */
async function readJson(target: Target): Promise<{ loaded: Loaded; json: unknown }> {
  const loaded = await target.read();
  try {
    return { loaded, json: JSON.parse(loaded.text.replace(/^\uFEFF/, '')) };
  } catch (cause) {
    throw new CliError(`${target.name} is not valid JSON: ${(cause as Error).message}`, EXIT.invalid);
  }
}

const invalid = (message: string, errors: ConfigError[]) =>
  new CliError(message, EXIT.invalid, errors.map((e) => `  ${e.path}: ${e.message}`).join('\n'));
