import type { HealthExposure, HealthRecord } from '../../src/health/record';

let sessions = 0;

/** A valid health record of one page: `app` in `arm`, counted as a session (and an error session with errors). */
export function healthRecord(arm: 'stable' | 'canary', overrides: Partial<HealthRecord> = {}, exposure: Partial<HealthExposure> = {}): HealthRecord {
  const errors = overrides.errors ?? [];
  return {
    v: 1,
    session: `session${String(++sessions).padStart(8, '0')}`,
    seq: 0,
    at: 1_795_676_442_724,
    exposures: [{ feature: 'app', revision: 'r1', assigned: arm, served: arm, reason: 'rollout', bucket: 412, percentage: 5, first: true, errorSession: errors.length > 0, ...exposure }],
    errors,
    vitals: [],
    dropped: 0,
    ...overrides,
  };
}
