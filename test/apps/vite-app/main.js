// The entry of a tiny Vite app that client-canary ships in the tests (test/browser/vite-app.test.ts).
// It is an ES module as Vite emits them: it uses import.meta, so a classic <script> would throw.
import './style.css';

const version = __APP_VERSION__;
window.appVersion = version;
window.appEntryUrl = import.meta.url;

function render() {
  const el = document.getElementById('app');
  el.dataset.version = version;
  el.textContent = `app ${version}`;
  // A chunk of its own, fetched by the browser relative to this module (not listed in the config).
  import('./lazy.js').then(({ mountLazy }) => mountLazy(el, version));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', render);
else render();
