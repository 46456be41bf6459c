import { CliError, EXIT } from './errors';
import { quote } from './output';

/**
 * A percentage as typed: digits with an optional fraction. `0x10`, `1e1` and ` 5` are refused
 * here, the range and the two decimals by the config's validation (with the config's path).
 */
export function toPercentage(text: string, what = 'a percentage'): number {
  if (!/^\d+(\.\d+)?$/.test(text)) throw new CliError(`${quote(text)} is not ${what}; write a number from 0 to 100, e.g. 5 or 12.5`, EXIT.invalid);
  return Number(text);
}

/** `--now ISO`, or the clock. */
export function clock(now: string | undefined): number {
  if (now === undefined) return Date.now();
  const at = Date.parse(now);
  if (Number.isNaN(at)) throw new CliError(`--now: ${quote(now)} is not an ISO date-time`, EXIT.invalid);
  return at;
}

/** `--max-age S`, in whole seconds; 60 (the SDK's maxAgeMs) when absent. */
export function maxAgeSeconds(text: string | undefined): number {
  const seconds = text === undefined ? 60 : Number(text);
  if (!/^\d+$/.test(text ?? '60') || !Number.isSafeInteger(seconds)) throw new CliError(`--max-age: expected whole seconds, got ${quote(text)}`, EXIT.invalid);
  return seconds;
}

/** `a,b, c` → `['a', 'b', 'c']`: a comma-separated list, blanks dropped. */
export function commaList(text: string | undefined): string[] {
  return (text ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}
