// The module rollup.config.mjs writes into the loader: the integrity of client-canary.validate.js.
declare module 'client-canary:rest-integrity' {
  export const REST_INTEGRITY: string;
}
