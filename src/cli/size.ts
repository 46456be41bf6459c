import { MAX_CONFIG_BYTES } from '../config/fetch';
import { CliError, EXIT } from './errors';

// The largest config browsers accept, in bytes of UTF-8: the SDK refuses a bigger one, so writing
// it would break every page at once. One constant for both sides.
export { MAX_CONFIG_BYTES };

/** Bytes of `text` in UTF-8, as the browser counts the body. */
export const byteSize = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Refuses (exit 1) a config text over MAX_CONFIG_BYTES, with its size; `name` is the target. */
export function checkSize(text: string, name: string): void {
  const size = byteSize(text);
  if (size > MAX_CONFIG_BYTES) {
    throw new CliError(
      `refusing to write: the result would be ${size} bytes (${(size / 1024).toFixed(1)} KiB), over the ${MAX_CONFIG_BYTES} bytes (256 KiB) that browsers accept; ${name} is unchanged`,
      EXIT.invalid,
    );
  }
}
