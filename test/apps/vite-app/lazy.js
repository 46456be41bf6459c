// Loaded lazily by main.js: a separate chunk that the browser fetches itself.
export function mountLazy(el, version) {
  const lazy = document.createElement('p');
  lazy.id = 'lazy';
  lazy.textContent = `lazy ${version}`;
  el.after(lazy);
  window.lazyChunkUrl = import.meta.url;
}
