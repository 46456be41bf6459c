// The module rollup.config.mjs writes into the second chunk: the integrity of client-canary.vitals.js.
declare module 'client-canary:vitals-integrity' {
  export const VITALS_INTEGRITY: string;
}
