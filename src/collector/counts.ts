import { Counter, Histogram, Registry } from 'prom-client';
import { ERROR_KINDS, VITAL_BUCKETS, type HealthRecord } from '../health/record';

/** Per feature, revision and arm: what `/summary` answers. */
export interface ArmCounts {
  sessions: number;
  errorSessions: number;
  served: { stable: number; canary: number };
  errors: Record<string, number>;
  /** Per vital, the samples in each bucket of VITAL_BUCKETS (not cumulative; the last one above them all). */
  vitals: Record<string, number[]>;
}

export interface Summary {
  feature: string;
  /** Omitted: every revision summed. */
  revision?: string;
  arms: { stable: ArmCounts; canary: ArmCounts };
}

/**
 * How many feature × revision × arm combinations one collector keeps before it refuses records
 * that would add one. Each is about 110 lines of /metrics (errors by kind, served, five vitals'
 * histograms): 500 keep a scrape under about 20 MB even with the longest labels.
 */
export const MAX_SERIES = 500;


const emptyArm = (): ArmCounts => ({ sessions: 0, errorSessions: 0, served: { stable: 0, canary: 0 }, errors: {}, vitals: {} });
/** The bucket index of a value: the first upper bound it does not pass (the last bucket for any larger). */
const bucketOf = (value: number) => {
  const i = VITAL_BUCKETS.findIndex((bound) => value <= bound);
  return i < 0 ? VITAL_BUCKETS.length : i;
};
const addVital = (vitals: Record<string, number[]>, name: string, index: number, n = 1) => {
  const counts = (vitals[name] ??= new Array<number>(VITAL_BUCKETS.length + 1).fill(0));
  counts[index]! += n;
};

/**
 * The collector's counters (SPEC 9): Prometheus metrics through prom-client, and the same counts
 * per feature, revision and arm for `/summary`. Counting needs no memory of sessions: a record
 * says which of its exposures count (`first`, `errorSession`).
 */
export function createCounts() {
  const registry = new Registry();
  const labelNames = ['feature', 'revision', 'arm'] as const;
  const metric = { registers: [registry] };
  const sessions = new Counter({ name: 'client_canary_sessions_total', help: 'Page loads that decided the feature, by assigned arm', labelNames, ...metric });
  const errorSessions = new Counter({ name: 'client_canary_error_sessions_total', help: 'Of those, page loads with at least one error of any kind', labelNames, ...metric });
  const errors = new Counter({ name: 'client_canary_errors_total', help: 'Errors, by kind (an error without a feature counts for every feature of its page)', labelNames: [...labelNames, 'kind'], ...metric });
  const served = new Counter({ name: 'client_canary_served_total', help: 'Page loads by assigned arm and the variant that ran', labelNames: [...labelNames, 'served'], ...metric });
  const vital = new Histogram({ name: 'client_canary_vital', help: 'Web vitals (ms; CLS unitless), by assigned arm', labelNames: [...labelNames, 'name'], buckets: VITAL_BUCKETS, ...metric });
  const records = new Counter({ name: 'client_canary_records_total', help: 'Health records accepted', ...metric });
  const rejected = new Counter({ name: 'client_canary_rejected_records_total', help: 'Health records refused, by reason', labelNames: ['reason'], ...metric });
  for (const reason of ['json', 'schema', 'too-large', 'media-type', 'origin', 'series']) rejected.inc({ reason }, 0);

  const arms = new Map<string, ArmCounts>();
  const key = (feature: string, revision: string, arm: string) => JSON.stringify([feature, revision, arm]);

  return {
    registry,
    reject: (reason: string) => rejected.inc({ reason }),
    /** Counts an accepted record; false (nothing counted) when it would pass the series cap. */
    add(record: HealthRecord): boolean {
      const labels = record.exposures.map((e) => ({ feature: e.feature, revision: e.revision ?? '', arm: e.assigned }));
      const fresh = new Set(labels.map((l) => key(l.feature, l.revision, l.arm)).filter((k) => !arms.has(k)));
      if (arms.size + fresh.size > MAX_SERIES) return false;
      for (const k of fresh) arms.set(k, emptyArm());
      records.inc();
      record.exposures.forEach((exposure, i) => {
        const l = labels[i]!;
        const counts = arms.get(key(l.feature, l.revision, l.arm))!;
        if (exposure.first) {
          sessions.inc(l);
          // The series exists from the first session on, so error_sessions / sessions is 0, not absent.
          errorSessions.inc(l, 0);
          served.inc({ ...l, served: exposure.served });
          counts.sessions++;
          counts.served[exposure.served]++;
        }
        if (exposure.errorSession) {
          errorSessions.inc(l);
          counts.errorSessions++;
        }
        for (const error of record.errors) {
          if (error.feature !== undefined && error.feature !== exposure.feature) continue;
          errors.inc({ ...l, kind: error.kind });
          counts.errors[error.kind] = (counts.errors[error.kind] ?? 0) + 1;
        }
        for (const v of record.vitals) {
          vital.observe({ ...l, name: v.name }, v.value);
          addVital(counts.vitals, v.name, bucketOf(v.value));
        }
      });
      return true;
    },
    summary(feature: string, revision?: string): Summary {
      const out: Summary = { feature, ...(revision === undefined ? {} : { revision }), arms: { stable: emptyArm(), canary: emptyArm() } };
      for (const [k, counts] of arms) {
        const [f, r, arm] = JSON.parse(k) as [string, string, 'stable' | 'canary'];
        if (f !== feature || (revision !== undefined && r !== revision)) continue;
        const sum = out.arms[arm];
        sum.sessions += counts.sessions;
        sum.errorSessions += counts.errorSessions;
        sum.served.stable += counts.served.stable;
        sum.served.canary += counts.served.canary;
        for (const kind of ERROR_KINDS) if (counts.errors[kind]) sum.errors[kind] = (sum.errors[kind] ?? 0) + counts.errors[kind]!;
        for (const [name, bins] of Object.entries(counts.vitals)) bins.forEach((n, i) => n && addVital(sum.vitals, name, i, n));
      }
      return out;
    },
  };
}

export type Counts = ReturnType<typeof createCounts>;
