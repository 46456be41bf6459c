/**
 * Inserts `file` from beside the script `beside` (or the page), as a classic script with that
 * script's nonce, the `integrity` of its build (checked in CORS mode: a host on another origin
 * needs CORS) and the `src` that `sign` makes of its URL (a TrustedScriptURL where the page
 * enforces Trusted Types). Resolves once it ran; rejects, saying why, when it cannot.
 */
export function insertSibling(file: string, integrity: string, beside: HTMLScriptElement | null, sign: (url: string) => string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const src = new URL(file, beside?.src || document.baseURI).href;
    const script = document.createElement('script');
    try {
      script.src = sign(src);
    } catch {
      throw new Error(`the page's Trusted Types refused ${src} (list client-canary in its trusted-types directive)`);
    }
    script.integrity = integrity;
    script.crossOrigin = 'anonymous';
    if (beside?.nonce) script.nonce = beside.nonce;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`${src} could not load (host it beside the loader, with CORS when on another origin)`));
    document.head.appendChild(script);
  });
}
