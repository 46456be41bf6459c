const getter = typeof Document === 'function' ? Object.getOwnPropertyDescriptor(Document.prototype, 'currentScript')?.get : undefined;

/**
 * The script element running now, read through Document.prototype's own getter: an element the
 * page's content can write, such as `<img name="currentScript" data-config="…">`, clobbers
 * `document.currentScript` and would choose the config, the origins and the nonce.
 */
export function currentScript(doc: Document | undefined): HTMLScriptElement | null {
  try {
    const script = (getter ? getter.call(doc) : doc?.currentScript) as Element | null;
    return script instanceof HTMLScriptElement ? script : null;
  } catch {
    return null;
  }
}
