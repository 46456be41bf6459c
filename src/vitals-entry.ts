/**
 * `client-canary.vitals.js`: Google's web-vitals for the script tag, loaded by the second chunk
 * after the page's assets when the tag has `data-vitals`. Adds `webVitals` to `window.ClientCanary`.
 */
import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';

export const webVitals = { onCLS, onFCP, onINP, onLCP, onTTFB };
