/**
 * False in the script-tag build (rollup.config.mjs swaps this module), where the JSON Schema
 * form of each rule would be dead weight: only the npm build writes the JSON Schema.
 */
export const WITH_JSON_SCHEMA: boolean = true;
