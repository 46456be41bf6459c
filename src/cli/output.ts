/** Where the CLI writes; the tests capture it. */
export interface Output {
  log(line: string): void;
  error(line: string): void;
}

// C0 controls (ESC starts a terminal escape sequence), DEL, C1 controls (U+009B is a one-byte
// CSI), the line and paragraph separators, and the bidirectional overrides that can make a
// terminal show text in another order than it is stored.
const UNSAFE = /[\0-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_NEWLINE = /[\0-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const unicodeEscape = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `text` safe to print on a terminal: every control character, newlines included, written as a
 * JSON-style escape (`\x1b` → `\u001b`). Config text (revisions, salts, asset URLs, flag values,
 * allow ids) is free text that would otherwise reach the terminal as commands.
 *
 * @example
 * escapeText('v1\x1b[2J') // 'v1\\u001b[2J'
 */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, unicodeEscape);
}

/**
 * A value as JSON, safe to print: `"a\u001b"`. JSON.stringify escapes C0 controls but leaves
 * DEL, C1 and the separators as they are. The escapes stay valid JSON.
 */
export function quote(value: unknown): string {
  return escapeText(JSON.stringify(value) ?? String(value));
}

/**
 * An Output that escapes every control character but the newline in each line it is given: the
 * last guard, so that no value a command forgot to escape can reach the terminal raw. Lines of
 * JSON stay JSON (an escape inside a string means the same character).
 */
export function escapingOutput(out: Output): Output {
  const safe = (line: string) => line.replace(UNSAFE_BUT_NEWLINE, unicodeEscape);
  return { log: (line) => out.log(safe(line)), error: (line) => out.error(safe(line)) };
}
