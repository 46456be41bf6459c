import { Counter, Histogram, Registry } from 'prom-client';
import { ERROR_KINDS, type HealthRecord } from '../health/record';

/** Per feature, revision and arm: what `/summary` answers. */
export interface ArmCounts {
  sessions: number;
  errorSessions: number;
  served: { stable: number; canary: number };
  errors: Record<string, number>;
}

export interface Summary {
  feature: string;
  /** Omitted: every revision summed. */
  revision?: string;
  arms: { stable: ArmCounts; canary: ArmCounts };
}

/** How many feature × revision × arm series one collector keeps before it refuses new ones. */
export const MAX_SERIES = 5_000;

// Buckets for milliseconds (LCP, INP, FCP, TTFB) and for CLS (unitless, 0.1 good, 0.25 poor) in one histogram.
const VITAL_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 50, 100, 200, 500, 800, 1000, 1800, 2500, 4000, 8000, 16000];

const emptyArm = (): ArmCounts => ({ sessions: 0, errorSessions: 0, served: { stable: 0, canary: 0 }, errors: {} });

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
        for (const v of record.vitals) vital.observe({ ...l, name: v.name }, v.value);
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
      }
      return out;
    },
  };
}

export type Counts = ReturnType<typeof createCounts>;
