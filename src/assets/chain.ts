import type { Asset } from '../config/schema';
import { makeAssetTag, resolveAsset, type AssetTag, type ResolvedAsset } from './load';
import { originOf, type OriginPolicy } from './policy';
import { POLICY_NAME, scriptUrl } from './trusted-types';

/** What {@link CanaryClient.loadAssets} did: URLs loaded, failed to load, and refused (each once). */
export interface AssetResult {
  /** True when every asset tried loaded: the first choice ran, no step was skipped for a failure. */
  ok: boolean;
  loaded: string[];
  failed: string[];
  refused: string[];
}

/** The steps of the fallback chain, in the order they are tried. */
export type StepName = 'canary' | 'stable' | 'fallback';

/** One step: a variant's assets and the URL they resolve against. */
export interface Step {
  name: StepName;
  assets: readonly Asset[] | undefined;
  base: string;
}

/** A step that did not run, and why: `missing` when it had no assets at all. */
export interface Skip {
  step: StepName;
  why: string;
  missing: boolean;
}

/** What the chain of one feature ended with: the step that ran (none when every step was skipped). */
export interface ChainResult extends AssetResult {
  ran: StepName | undefined;
  skipped: Skip[];
}

type Report = (code: 'asset-refused', message: string, detail: { url: string; feature: string }) => void;

/** The asset tags of one page: each URL inserted once, canary URLs remembered for the guard. */
export interface AssetLoader {
  /**
   * Tries `steps` in order until one runs completely (SPEC 6, the fallback chain): a step is
   * skipped when it has no assets, when any of its assets is refused (then none of it is
   * inserted), or when any fails to load.
   */
  loadChain(feature: string, steps: readonly Step[]): Promise<ChainResult>;
  /** The feature whose canary asset `url` is (query kept, fragment ignored), for uncaught errors. */
  canaryOf(url: string): string | undefined;
  /** The feature that inserted asset `url`, in any step (the first one to, for a shared URL). */
  featureOf(url: string): string | undefined;
}

// Browsers report a script's URL without its fragment (`error.filename`); compare without it.
const withoutHash = (url: string) => url.replace(/#.*/, '');

const TRUSTED_TYPES = `refused by the page's Trusted Types (list ${POLICY_NAME} in its trusted-types directive)`;
const pushOnce = (list: string[], url: string) => void (list.includes(url) || list.push(url));

/** The asset loader of one client: `admit` is its origin policy, `nonce` the CSP nonce of its tags. */
export function createAssetLoader(doc: Document | undefined, nonce: string | undefined, admit: OriginPolicy, report: Report): AssetLoader {
  // Each URL's tag is made and inserted once per page; every step that lists it shares the outcome.
  const inserted = new Map<string, Promise<boolean>>();
  const elements = new Map<string, HTMLElement>();
  const canaryUrls = new Map<string, string>();
  const owners = new Map<string, string>();
  const refusedOnce = new Set<string>();
  // How many steps, running or ran, use each URL: a skipped step takes out only sheets no other uses.
  const users = new Map<string, number>();
  const pageOrigin = doc?.defaultView?.location.origin;
  // The page's own fallback may also come from the page's origin: its author wrote it there.
  const admitIn = (step: Step): OriginPolicy => (step.name === 'fallback' ? (url) => (originOf(url) === pageOrigin && /^https?:/.test(url) ? undefined : admit(url)) : admit);

  const refuse = (feature: string, url: string, why: string, result: AssetResult): string => {
    pushOnce(result.refused, url);
    if (!refusedOnce.has(url)) report('asset-refused', `asset refused: ${url}: ${why}`, { url, feature });
    refusedOnce.add(url);
    return `${url} refused (${why})`;
  };

  // undefined when every asset of the step loaded, else why not.
  const runStep = async (feature: string, step: Step, result: AssetResult): Promise<string | undefined> => {
    if (!step.assets?.length) return 'no assets';
    const admitStep = admitIn(step);
    const scriptSrc = (url: string) => scriptUrl(doc?.defaultView ?? undefined, url, (u) => !admitStep(u));
    const resolved: ResolvedAsset[] = [];
    const refusals: string[] = [];
    for (const asset of step.assets) {
      let url = String(typeof asset === 'string' ? asset : asset?.url);
      try {
        const r = resolveAsset(asset, step.base);
        url = r.url;
        const why = admitStep(url);
        if (why) refusals.push(refuse(feature, url, why, result));
        else resolved.push(r);
      } catch {
        refusals.push(refuse(feature, url, 'not a valid URL', result));
      }
    }
    // A step is all or nothing: one refused asset and none of it runs.
    if (refusals.length) return refusals.join(', ');
    if (!doc) return 'no document';
    const watched = step.name === 'canary';
    // Every new tag is made before any is inserted: a URL the page's Trusted Types refuse keeps
    // the whole step out, as an origin refusal does.
    const tags = new Map<string, AssetTag>();
    for (const asset of resolved) {
      if (inserted.has(asset.url) || tags.has(asset.url)) continue;
      try {
        tags.set(asset.url, makeAssetTag(doc, asset, { nonce, watched, scriptSrc }));
      } catch {
        return refuse(feature, asset.url, TRUSTED_TYPES, result);
      }
    }
    for (const [url, tag] of tags) {
      inserted.set(url, tag.loaded);
      elements.set(url, tag.element);
      doc.head.appendChild(tag.element);
    }
    const urls = [...new Set(resolved.map((asset) => asset.url))];
    for (const url of urls) users.set(url, (users.get(url) ?? 0) + 1);
    for (const url of urls) if (!owners.has(withoutHash(url))) owners.set(withoutHash(url), feature);
    if (watched) for (const url of urls) canaryUrls.set(withoutHash(url), feature);
    const outcomes = await Promise.all(resolved.map((asset) => inserted.get(asset.url)!));
    const failed = resolved.filter((_, i) => !outcomes[i]).map((asset) => asset.url);
    if (failed.length) for (const url of urls) users.set(url, users.get(url)! - 1);
    for (const asset of resolved) {
      if (failed.length && asset.type === 'style' && !users.get(asset.url)) {
        // A skipped step leaves no style behind that no other step uses (its scripts ran and
        // cannot be taken back): the page ends with one variant's look; a later step that lists
        // the sheet inserts it again.
        elements.get(asset.url)?.remove();
        inserted.delete(asset.url);
      } else if (!failed.length || asset.type !== 'style') pushOnce(failed.includes(asset.url) ? result.failed : result.loaded, asset.url);
      // A skipped canary's errors are no longer the canary's: the guard has counted its skip, and
      // a URL it shares with stable now runs as stable.
      if (failed.length && watched && canaryUrls.get(withoutHash(asset.url)) === feature) canaryUrls.delete(withoutHash(asset.url));
    }
    return failed.length ? failed.map((url) => `${url} failed to load`).join(', ') : undefined;
  };

  return {
    async loadChain(feature, steps) {
      const result: ChainResult = { ok: true, loaded: [], failed: [], refused: [], ran: undefined, skipped: [] };
      for (const step of steps) {
        const why = await runStep(feature, step, result);
        if (why === undefined) {
          result.ran = step.name;
          break;
        }
        result.skipped.push({ step: step.name, why, missing: why === 'no assets' });
      }
      result.ok = !result.failed.length && !result.refused.length;
      return result;
    },
    canaryOf: (url) => canaryUrls.get(withoutHash(url)),
    featureOf: (url) => owners.get(withoutHash(url)),
  };
}
