import * as z from 'zod/mini';
import { NAME_PATTERN } from '../config/names';
import { ERROR_KINDS, MAX_RECORD_ERRORS, MAX_RECORD_EXPOSURES, MAX_RECORD_SEQ, VITAL_NAMES, type HealthRecord } from './record';

/** A bounded text: records come from the internet. */
const text = (max: number) => z.string().check(z.maxLength(max));
const count = () => z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER));

const exposure = z.strictObject({
  feature: z.string().check(z.regex(NAME_PATTERN)),
  revision: z.optional(text(256)),
  assigned: z.enum(['stable', 'canary']),
  served: z.enum(['stable', 'canary']),
  reason: z.enum(['disabled', 'override', 'denied', 'allowed', 'unmatched', 'guarded', 'rollout', 'unknown', 'fallback']),
  bucket: z.nullable(z.number().check(z.int(), z.gte(0), z.lte(9_999))),
  percentage: z.number().check(z.gte(0), z.lte(100)),
  first: z.boolean(),
  errorSession: z.boolean(),
});

const error = z.strictObject({
  kind: z.enum(ERROR_KINDS),
  feature: z.optional(z.string().check(z.regex(NAME_PATTERN))),
  message: text(1024),
  source: z.optional(text(2048)),
});

const vital = z.strictObject({
  name: z.enum(VITAL_NAMES),
  value: z.number().check(z.gte(0), z.lte(1e7)),
});

/**
 * The zod schema of a health record, beacon format v1 (SPEC 8): what the collector accepts.
 * Its JSON Schema ships as `dist/health-record.schema.json`.
 */
export const healthRecordSchema = z.strictObject({
  v: z.literal(1),
  session: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/)),
  seq: count().check(z.lt(MAX_RECORD_SEQ)),
  at: count(),
  exposures: z.array(exposure).check(z.maxLength(MAX_RECORD_EXPOSURES)),
  errors: z.array(error).check(z.maxLength(MAX_RECORD_ERRORS)),
  vitals: z.array(vital).check(z.maxLength(50)),
  dropped: count(),
});

// The hand-written type (the browser's) and the schema's must not drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same: Same<z.output<typeof healthRecordSchema>, HealthRecord> = true;
void same;
