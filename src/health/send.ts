import { MAX_RECORD_BYTES, type HealthRecord } from './record';

const bytesOf = (text: string) => new Blob([text]).size;

/**
 * The record as one or more bodies of at most 60 KiB of UTF-8, each a valid record of the same
 * session: the errors are shared out (the first part keeps the vitals and the count of dropped
 * errors; later parts carry the exposures as labels only). `nextSeq` numbers the parts.
 */
export function splitRecord(record: HealthRecord, nextSeq: () => number): string[] {
  const json = JSON.stringify(record);
  if (bytesOf(json) <= MAX_RECORD_BYTES || record.errors.length < 2) return [json];
  const half = Math.ceil(record.errors.length / 2);
  const labels = record.exposures.map((exposure) => ({ ...exposure, first: false, errorSession: false }));
  const second: HealthRecord = { ...record, seq: nextSeq(), exposures: labels, errors: record.errors.slice(half), vitals: [], dropped: 0 };
  return [...splitRecord({ ...record, errors: record.errors.slice(0, half) }, nextSeq), ...splitRecord(second, nextSeq)];
}

/**
 * Sends one body to `url` as `text/plain` (a simple request: no preflight) with
 * `navigator.sendBeacon`, or `fetch` with `keepalive` where that refuses. Never throws.
 */
export function sendBody(win: Window, url: string, body: string): void {
  try {
    if (win.navigator.sendBeacon(url, body)) return;
  } catch {
    // No sendBeacon, or a URL it refuses: fetch may still take it.
  }
  try {
    win.fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit' }).catch(() => undefined);
  } catch {
    // Nothing left to try; the page must not notice.
  }
}
