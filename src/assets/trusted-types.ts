/** The policy name a page lists in its CSP: `trusted-types client-canary`. */
export const POLICY_NAME = 'client-canary';

type Admit = (url: string) => boolean;
interface ScriptUrlPolicy {
  createScriptURL(url: string, admit: Admit): unknown;
}
interface TrustedTypesWindow {
  trustedTypes?: { createPolicy(name: string, rules: { createScriptURL(url: string, admit?: Admit): string }): ScriptUrlPolicy };
}

// One policy per page: a policy name can be created once per realm (without 'allow-duplicates'),
// so every client of this bundle shares it. Each call passes its own client's origin check.
let policy: ScriptUrlPolicy | null | undefined;

/**
 * What to assign to `script.src` for `url`: the string itself where the browser has no Trusted
 * Types, else a TrustedScriptURL made by the `client-canary` policy, which admits only what the
 * client's origin policy admits. Throws when the policy refuses, or when the page enforces Trusted
 * Types without listing `client-canary` (the assignment then throws): a failed asset, never a blank
 * check for any URL.
 */
export function scriptUrl(win: Window | undefined, url: string, admit: Admit): string {
  const types = (win as TrustedTypesWindow | undefined)?.trustedTypes;
  if (!types) return url;
  if (policy === undefined) {
    try {
      policy = types.createPolicy(POLICY_NAME, {
        createScriptURL(input, check) {
          if (!check?.(input)) throw new TypeError(`${POLICY_NAME}: ${input} is not an admitted asset URL`);
          return input;
        },
      });
    } catch {
      // Not listed in the page's trusted-types directive: assignments of plain strings will throw
      // if the page enforces Trusted Types, and work if it does not.
      policy = null;
    }
  }
  return policy ? (policy.createScriptURL(url, admit) as string) : url;
}
