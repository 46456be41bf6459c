import { VITAL_BUCKETS } from '../health/record';
import type { ArmCounts } from './verdict';

export type Arms = { stable: ArmCounts; canary: ArmCounts };

/** Where the counts come from: a collector (`/summary`) or Prometheus (PromQL over its counters). */
export interface MetricsSource {
  /** For messages: `collector http://…` or `prometheus http://…`. */
  name: string;
  counts(feature: string, revision: string): Promise<Arms>;
}

const getJson = async (url: string): Promise<unknown> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return response.json();
};

const count = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0);

/**
 * Counts the judge can trust: whole numbers, error sessions no more than sessions (a record of
 * a later part can arrive without its first), vitals in the collector's buckets.
 */
const consistent = (arm: { sessions: number; errorSessions: number; vitals: Record<string, number[]> }) => ({
  sessions: arm.sessions,
  errorSessions: Math.min(arm.errorSessions, arm.sessions),
  vitals: Object.fromEntries(Object.entries(arm.vitals).filter(([, bins]) => bins.length === VITAL_BUCKETS.length + 1)),
});

/** A collector's `GET /summary?feature=…&revision=…`. */
export function collectorSource(base: string): MetricsSource {
  return {
    name: `collector ${base}`,
    async counts(feature, revision) {
      const url = new URL('summary', base.endsWith('/') ? base : `${base}/`);
      url.search = new URLSearchParams({ feature, revision }).toString();
      const summary = (await getJson(url.href)) as { arms?: Record<string, { sessions?: unknown; errorSessions?: unknown; vitals?: unknown }> } | null;
      if (!summary || typeof summary !== 'object' || !summary.arms || typeof summary.arms !== 'object') throw new Error(`${url.href} answered no counts per arm (is it a client-canary collector?)`);
      const vitals = (value: unknown): Record<string, number[]> =>
        Object.fromEntries(Object.entries(value && typeof value === 'object' ? value : {}).filter(([, bins]) => Array.isArray(bins)).map(([name, bins]) => [name, (bins as unknown[]).map(count)]));
      const arm = (name: 'stable' | 'canary') => consistent({ sessions: count(summary.arms?.[name]?.sessions), errorSessions: count(summary.arms?.[name]?.errorSessions), vitals: vitals(summary.arms?.[name]?.vitals) });
      return { stable: arm('stable'), canary: arm('canary') };
    },
  };
}

/** A label value in PromQL: quotes and backslashes escaped. */
const label = (value: string) => JSON.stringify(value);

/** Prometheus's HTTP API: `sum by (arm)` of the collectors' counters (every collector it scrapes). */
export function prometheusSource(base: string): MetricsSource {
  const query = async (promql: string) => {
    const url = new URL('api/v1/query', base.endsWith('/') ? base : `${base}/`);
    url.search = new URLSearchParams({ query: promql }).toString();
    const body = (await getJson(url.href)) as { data?: { result?: { metric?: Record<string, string>; value?: [number, string] }[] } };
    return (body.data?.result ?? []).map((r) => ({ metric: r.metric ?? {}, value: count(Number(r.value?.[1])) }));
  };
  const byArm = (rows: { metric: Record<string, string>; value: number }[]) => Object.fromEntries(rows.filter((r) => r.metric.arm).map((r) => [r.metric.arm!, r.value]));
  // The histogram's cumulative buckets (le) back into samples per bucket of VITAL_BUCKETS.
  const vitalsOf = (rows: { metric: Record<string, string>; value: number }[], arm: string) => {
    const out: Record<string, number[]> = {};
    for (const r of rows.filter((row) => row.metric.arm === arm && row.metric.name)) {
      const le = r.metric.le === '+Inf' ? Infinity : Number(r.metric.le);
      const i = le === Infinity ? VITAL_BUCKETS.length : VITAL_BUCKETS.indexOf(le);
      if (i >= 0) (out[r.metric.name!] ??= new Array<number>(VITAL_BUCKETS.length + 1).fill(0))[i] = r.value;
    }
    for (const cumulative of Object.values(out)) for (let i = cumulative.length - 1; i > 0; i--) cumulative[i] = Math.max(0, cumulative[i]! - cumulative[i - 1]!);
    return out;
  };
  return {
    name: `prometheus ${base}`,
    async counts(feature, revision) {
      const select = `{feature=${label(feature)},revision=${label(revision)}}`;
      const [sessionRows, errorRows, vitalRows] = await Promise.all([
        query(`sum by (arm) (client_canary_sessions_total${select})`),
        query(`sum by (arm) (client_canary_error_sessions_total${select})`),
        query(`sum by (arm, name, le) (client_canary_vital_bucket${select})`),
      ]);
      const [sessions, errors] = [byArm(sessionRows), byArm(errorRows)];
      const arm = (name: 'stable' | 'canary') => consistent({ sessions: sessions[name] ?? 0, errorSessions: errors[name] ?? 0, vitals: vitalsOf(vitalRows, name) });
      return { stable: arm('stable'), canary: arm('canary') };
    },
  };
}
