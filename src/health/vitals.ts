import type { HealthVital, VitalName } from './record';

/** The part of Google's `web-vitals` the record uses. */
export type WebVitals = Record<`on${VitalName}`, (report: (metric: { name: string; value: number }) => void) => void>;

const NAMES: VitalName[] = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];

/**
 * Loads `web-vitals` once the page has loaded (its own assets included) and hands each vital to
 * `report` as web-vitals finalises it. Never throws; a chunk that cannot load costs no vitals but
 * nothing else.
 */
export function watchVitals(win: Window, load: () => Promise<WebVitals>, report: (vital: HealthVital) => void): void {
  const start = () =>
    load().then(
      (vitals) => {
        for (const name of NAMES) vitals[`on${name}`]((metric) => report({ name, value: Math.max(0, Math.round(metric.value * 1000) / 1000) }));
      },
      () => undefined,
    );
  if (win.document.readyState === 'complete') void start();
  else win.addEventListener('load', () => void start(), { once: true });
}
