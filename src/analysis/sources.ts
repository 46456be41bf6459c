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

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);

/** A collector's `GET /summary?feature=…&revision=…`. */
export function collectorSource(base: string): MetricsSource {
  return {
    name: `collector ${base}`,
    async counts(feature, revision) {
      const url = new URL('summary', base.endsWith('/') ? base : `${base}/`);
      url.search = new URLSearchParams({ feature, revision }).toString();
      const summary = (await getJson(url.href)) as { arms?: Record<string, { sessions?: unknown; errorSessions?: unknown }> };
      const arm = (name: 'stable' | 'canary') => ({ sessions: count(summary.arms?.[name]?.sessions), errorSessions: count(summary.arms?.[name]?.errorSessions) });
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
    const body = (await getJson(url.href)) as { data?: { result?: { metric?: { arm?: string }; value?: [number, string] }[] } };
    const byArm: Record<string, number> = {};
    for (const r of body.data?.result ?? []) if (r.metric?.arm) byArm[r.metric.arm] = count(Number(r.value?.[1]));
    return byArm;
  };
  return {
    name: `prometheus ${base}`,
    async counts(feature, revision) {
      const select = `{feature=${label(feature)},revision=${label(revision)}}`;
      const [sessions, errors] = await Promise.all([query(`sum by (arm) (client_canary_sessions_total${select})`), query(`sum by (arm) (client_canary_error_sessions_total${select})`)]);
      const arm = (name: 'stable' | 'canary') => ({ sessions: sessions[name] ?? 0, errorSessions: errors[name] ?? 0 });
      return { stable: arm('stable'), canary: arm('canary') };
    },
  };
}
