import { toJsonSchema } from '../../config/schema';
import { defineCommand } from '../command';

/** `schema`: the JSON Schema of the config. */
export const schema = defineCommand({
  name: 'schema',
  usage: '',
  target: 'none',
  args: [],
  options: {},
  summary: 'print the JSON Schema of the config',
  help: `Example:
  client-canary schema > canary-config.schema.json`,
  async run({ out }) {
    out.log(JSON.stringify(toJsonSchema(), null, 2));
  },
});
