// A broken canary: it starts, then throws. The SDK's guard sees the uncaught error (the script is
// loaded in CORS mode), pins this device to stable from its next load, and reports it.
(function () {
  window.appVersion = '9.9.9-broken';
  function render() {
    var el = document.getElementById('app');
    el.setAttribute('data-version', '9.9.9-broken');
    el.textContent = '✖ Broken canary 9.9.9 (it threw: reload to see the guard at work)';
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', render);
  else render();
  throw new Error('the broken canary 9.9.9 crashed');
})();
