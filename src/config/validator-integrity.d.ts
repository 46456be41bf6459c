// A module the script-tag build writes (rollup.config.mjs): the integrity of the validator chunk.
declare module 'client-canary:validator-integrity' {
  export const VALIDATOR_INTEGRITY: string;
}
