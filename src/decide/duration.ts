/** `<number><unit>`, unit one of ms, s, m, h, d. */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 };

/** Milliseconds of a duration such as `"30m"`; NaN when it is not one. Apart from the schema, so deciding needs no validator. */
export function durationMs(duration: string): number {
  const m = DURATION_PATTERN.exec(duration);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : NaN;
}
