import { defineCommand } from '../command';
import { load } from '../config-io';
import { CliError, EXIT } from '../errors';
import { escapeText } from '../output';
import { byteSize, MAX_CONFIG_BYTES } from '../size';

/** `validate <target>`: the config's errors, each with its path. */
export const validate = defineCommand({
  name: 'validate',
  usage: '<target>',
  target: 'required',
  args: [],
  options: {},
  summary: 'check a config; every error with its path',
  help: `Exit 0 when valid; otherwise every error with its path, exit 1. A config over 256 KiB is
refused too: browsers do not load it.

Examples:
  client-canary validate canary-config.json
  client-canary validate https://my-bucket.s3.amazonaws.com/canary-config.json`,
  async run({ target, out }) {
    const { loaded, config } = await load(target);
    const size = byteSize(loaded.text);
    if (size > MAX_CONFIG_BYTES) throw new CliError(`${target.name} is ${size} bytes; browsers refuse a config over ${MAX_CONFIG_BYTES} bytes (256 KiB)`, EXIT.invalid);
    out.log(`valid: ${Object.keys(config.features).length} feature(s), revision ${escapeText(config.revision ?? '(none)')}`);
  },
});
