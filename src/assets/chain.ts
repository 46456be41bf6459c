import type { Asset } from '../config/schema';
import { insertAsset, resolveAsset, type ResolvedAsset } from './load';
import type { OriginPolicy } from './policy';
import { POLICY_NAME, scriptUrl } from './trusted-types';

/** What {@link CanaryClient.loadAssets} did: URLs loaded, failed to load, and refused. */
export interface AssetResult {
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
}

// Browsers report a script's URL without its fragment (`error.filename`); compare without it.
const withoutHash = (url: string) => url.replace(/#.*/, '');

/** The asset loader of one client: `admit` is its origin policy, `nonce` the CSP nonce of its tags. */
export function createAssetLoader(doc: Document | undefined, nonce: string | undefined, admit: OriginPolicy, report: Report): AssetLoader {
  const inserted = new Map<string, Promise<true | string>>();
  const canaryUrls = new Map<string, string>();
  const scriptSrc = (url: string) => scriptUrl(doc?.defaultView ?? undefined, url, (u) => !admit(u));

  // Resolves true when the tag loaded, else why not.
  const insert = (asset: ResolvedAsset, watched: boolean): Promise<true | string> => {
    let load = inserted.get(asset.url);
    if (!load) {
      try {
        load = insertAsset(doc!, asset, { nonce, watched, scriptSrc }).then((ok) => ok || 'failed to load');
      } catch {
        load = Promise.resolve(`refused by the page's Trusted Types (list ${POLICY_NAME} in its trusted-types directive)`);
      }
      inserted.set(asset.url, load);
    }
    return load;
  };

  const runStep = async (feature: string, step: Step, result: AssetResult): Promise<string | undefined> => {
    if (!step.assets?.length) return 'no assets';
    const resolved: ResolvedAsset[] = [];
    const refused: string[] = [];
    for (const asset of step.assets) {
      let url = String(typeof asset === 'string' ? asset : asset?.url);
      let why: string | undefined;
      try {
        const r = resolveAsset(asset, step.base);
        url = r.url;
        why = admit(url);
        if (!why) resolved.push(r);
      } catch {
        why = 'not a valid URL';
      }
      if (why) {
        refused.push(url);
        report('asset-refused', `asset refused: ${url}: ${why}`, { url, feature });
      }
    }
    result.refused.push(...refused);
    // A step is all or nothing: one refused asset and none of it runs.
    if (refused.length) return `${refused.length} asset(s) refused`;
    if (!doc) return 'no document';
    const outcomes = await Promise.all(
      resolved.map((asset) => {
        if (step.name === 'canary') canaryUrls.set(withoutHash(asset.url), feature);
        return insert(asset, step.name === 'canary').then((outcome) => ((outcome === true ? result.loaded : result.failed).push(asset.url), outcome));
      }),
    );
    const failures = resolved.flatMap((asset, i) => (outcomes[i] === true ? [] : [`${asset.url} ${outcomes[i]}`]));
    return failures.length ? failures.join(', ') : undefined;
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
  };
}
