import { NAME_PATTERN } from '../config/names';
import type { Decision } from '../decide/decide';
import type { CanaryError } from '../errors';
import type { Page } from '../loader/page';
import { MAX_RECORD_ERRORS, MAX_RECORD_EXPOSURES, MAX_RECORD_SEQ, type HealthError, type HealthExposure, type HealthRecord, type HealthVital } from './record';
import { sendBody, splitRecord } from './send';

/** What the reporter hears from the client. */
export interface HealthReporter {
  /** A decision the page acted on (an exposure). */
  expose(decision: Decision): void;
  /** A failure the client reported: failed or refused assets and guard trips are health errors. */
  error(error: CanaryError): void;
  vital(vital: HealthVital): void;
  /** Sends what is new since the last record (called at pagehide / hidden). */
  flush(): void;
}

const cut = (text: unknown, max: number) => (typeof text === 'string' ? text.slice(0, max) : undefined);
/** A feature name the record can carry (a `data-load` typo is no feature). */
const named = (feature: unknown) => (typeof feature === 'string' && NAME_PATTERN.test(feature) ? feature : undefined);

/** A random id per page load, never the user id. */
const sessionId = () =>
  crypto.randomUUID?.().replace(/-/g, '') ?? Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => (b + 256).toString(16).slice(1)).join('');

/**
 * The page's health record (SPEC 8), sent to `url` when the page is hidden or left, and again for
 * what happened since if it lives on. Each exposure counts once as a session and once as an error
 * session (`first`, `errorSession`), so a collector counts without remembering sessions.
 */
export function createHealthReporter(url: string, win: Window, page: Page, now: () => number): HealthReporter {
  const session = sessionId();
  let seq = 0;
  // Per feature: its arm at the first exposure, and whether a record has counted it yet.
  const features = new Map<string, { assigned: Decision; sent: boolean; erred: boolean }>();
  let errors: HealthError[] = [];
  let vitals: HealthVital[] = [];
  let dropped = 0;
  let pageErrorsSeen = 0;
  let pageDroppedSeen = 0;
  let errored = false;

  const keep = (error: HealthError) => (errors.length < MAX_RECORD_ERRORS ? errors.push(error) : dropped++);

  const record = (): HealthRecord | undefined => {
    // Read before any state moves: a clock that throws loses this record, not the session's counts.
    const at = Math.round(now() + page.clockOffset());
    if (seq >= MAX_RECORD_SEQ) return undefined;
    const buffer = page.errors;
    for (const e of buffer.list.slice(pageErrorsSeen)) keep({ kind: e.type === 'error' ? 'script' : e.type, feature: named(e.feature), message: cut(e.message, 1024) ?? '', source: cut(e.source, 2048) });
    pageErrorsSeen = buffer.list.length;
    dropped += buffer.dropped - pageDroppedSeen;
    pageDroppedSeen = buffer.dropped;
    errored ||= errors.length > 0 || dropped > 0;
    let counts = false;
    const exposures: HealthExposure[] = [...features].map(([feature, state]) => {
      const { assigned } = state;
      const served = page.decideNow(feature);
      const first = !state.sent;
      const errorSession = errored && !state.erred;
      state.sent = true;
      state.erred ||= errorSession;
      counts ||= first || errorSession;
      return { feature, revision: assigned.revision, assigned: assigned.variant, served: served.variant, reason: served.reason, bucket: assigned.bucket, percentage: assigned.percentage, first, errorSession };
    });
    if (!exposures.length || !(counts || errors.length || vitals.length || dropped)) return undefined;
    const out: HealthRecord = { v: 1, session, seq: seq++, at, exposures, errors, vitals, dropped };
    errors = [];
    vitals = [];
    dropped = 0;
    return out;
  };

  const flush = () => {
    try {
      const next = record();
      if (next) for (const body of splitRecord(next, () => seq++)) sendBody(win, url, body);
    } catch {
      // A record that cannot be built is lost, never the page's problem.
    }
  };
  win.addEventListener('pagehide', flush);
  win.document.addEventListener('visibilitychange', () => win.document.visibilityState === 'hidden' && flush());

  return {
    expose(decision) {
      // Only users the bucket put in an arm are in the experiment: an unknown feature, a page
      // without a config, and users that lists, targeting or the kill switch place are not (they
      // would skew the arms' sizes). At most 64 features per page, as a record carries.
      const { feature } = decision;
      if (features.has(feature) || !named(feature) || features.size >= MAX_RECORD_EXPOSURES) return;
      const assigned = page.assigned(feature);
      if (assigned.reason === 'rollout') features.set(feature, { assigned, sent: false, erred: false });
    },
    error(error) {
      const kind = error.code === 'canary-error' ? 'guard' : error.code === 'asset-load' || error.code === 'asset-refused' ? 'asset' : undefined;
      if (kind) keep({ kind, feature: named(error.feature), message: cut(error.message, 1024) ?? '', source: cut(error.url, 2048) });
    },
    vital(vital) {
      vitals.push(vital);
    },
    flush,
  };
}
