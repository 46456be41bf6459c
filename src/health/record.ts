import type { Reason } from '../decide/decide';

/**
 * The health record, beacon format v1 (SPEC 8): the shape the browser sends and the collector
 * takes. Types only: the browser builds records without zod; the collector and tooling validate
 * them with `healthRecordSchema` (record-schema.ts).
 */

/** Kinds of errors a record carries. */
export const ERROR_KINDS = ['script', 'rejection', 'asset', 'csp', 'guard'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** The vitals of `web-vitals` a record may carry. */
export const VITAL_NAMES = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;
export type VitalName = (typeof VITAL_NAMES)[number];

/**
 * The collector's histogram buckets for vitals: milliseconds (LCP, INP, FCP, TTFB) and CLS
 * (unitless, 0.1 good, 0.25 poor) in one set; a last bucket above them all.
 */
export const VITAL_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 50, 100, 200, 500, 800, 1000, 1800, 2500, 4000, 8000, 16000];

/** At most this many features per page and record. */
export const MAX_RECORD_EXPOSURES = 64;
/** A page sends at most this many records (a long-lived page with errors in a loop stops there). */
export const MAX_RECORD_SEQ = 1_000;

/** At most this many errors per record; the rest are counted in `dropped`. */
export const MAX_RECORD_ERRORS = 20;
/** Browsers refuse a beacon over 64 KiB: a record is split above this many bytes of UTF-8. */
export const MAX_RECORD_BYTES = 60 * 1024;

/** One feature decided on the page (intent to treat: the arm is the `assigned` variant). */
export interface HealthExposure {
  feature: string;
  revision?: string | undefined;
  /** What bucketing, the lists and targeting give the user: the arm. */
  assigned: 'stable' | 'canary';
  /** What ran: the guard, an override or the fallback chain can differ. */
  served: 'stable' | 'canary';
  reason: Reason;
  bucket: number | null;
  percentage: number;
  /** True in the one record of the session that counts this exposure (a session, a served). */
  first: boolean;
  /** True in the one record of the session that counts it as an error session for this feature. */
  errorSession: boolean;
}

export interface HealthError {
  kind: ErrorKind;
  /** The feature whose asset the error came from, when known. */
  feature?: string | undefined;
  message: string;
  /** The script, asset or blocked URL. */
  source?: string | undefined;
}

export interface HealthVital {
  name: VitalName;
  value: number;
}

/**
 * One record. A page sends one at its first `pagehide` / hidden, and another for what happened
 * since if it lives on (`seq` counts them, splits included). Every record carries all the
 * session's exposures, as the labels of its errors and vitals; each is counted once, by `first`
 * and `errorSession`.
 */
export interface HealthRecord {
  v: 1;
  /** Random per page load; never the user id. */
  session: string;
  seq: number;
  /** Epoch ms at sending (the server's clock where the config's Date header gave it). */
  at: number;
  exposures: HealthExposure[];
  /** New since the session's previous record. */
  errors: HealthError[];
  /** New since the session's previous record. */
  vitals: HealthVital[];
  /** Errors beyond the ones carried, since the previous record. */
  dropped: number;
}
