import { parseConfig, type ConfigError } from '../config/parse';
import type { CanaryConfig } from '../config/schema';
import { describeChange, featuresOf, type Change } from './edit';
import { CliError, EXIT } from './errors';
import { maxAgeSeconds } from './inputs';
import { escapeText, type Output } from './output';
import { bumpRevision } from './revision';
import { checkSize } from './size';
import type { Loaded, Target } from './target';

/** The options of a write: --dry-run and --max-age. */
export interface WriteValues {
  'dry-run'?: boolean;
  'max-age'?: string;
}

/** Reads and validates a config; an invalid one is every error with its path, exit 1. */
export async function load(target: Target): Promise<{ loaded: Loaded; json: unknown; config: CanaryConfig }> {
  const { loaded, json } = await readJson(target);
  const result = parseConfig(json);
  if (!result.ok) throw invalid(`${target.name} is invalid (${count(result.errors)})`, result.errors);
  return { loaded, json, config: result.config };
}

/**
 * The write path of every command that changes the config: read, change, bump the revision,
 * validate the result (refusing an invalid one, or one too big for browsers), print the
 * changes, write (unless --dry-run) over exactly what was read.
 */
export async function edit(target: Target, values: WriteValues, out: Output, change: (doc: Record<string, unknown>) => Change[]): Promise<void> {
  const maxAge = maxAgeSeconds(values['max-age']);
  if (target.readOnly) throw new CliError(target.readOnly, EXIT.invalid);
  const { loaded, json } = await readJson(target);
  const doc = json as Record<string, unknown>;
  featuresOf(doc);
  const changes = change(doc);
  if (!changes.length) {
    // Nothing to do is a success only on a config that is fine as it is.
    const result = parseConfig(doc);
    if (!result.ok) throw invalid(`nothing to change, but ${target.name} is invalid (${count(result.errors)})`, result.errors);
    out.log('nothing to change');
    return;
  }
  changes.push(bumpRevision(doc, new Date()));
  const result = parseConfig(doc);
  if (!result.ok) throw invalid(`refusing to write: the result would be invalid; ${target.name} is unchanged`, result.errors);
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  checkSize(text, target.name);
  for (const c of changes) out.log(describeChange(c));
  if (values['dry-run']) {
    out.log(`dry run: ${target.name} not written`);
    return;
  }
  await target.write(text, loaded, { maxAgeSeconds: maxAge });
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

const count = (errors: ConfigError[]) => `${errors.length} error${errors.length > 1 ? 's' : ''}`;

// Paths and messages can hold the config's own text (a key with a control character in it).
const invalid = (message: string, errors: ConfigError[]) =>
  new CliError(message, EXIT.invalid, errors.map((e) => `  ${escapeText(e.path)}: ${escapeText(e.message)}`).join('\n'));
