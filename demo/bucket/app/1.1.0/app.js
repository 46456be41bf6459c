// The demo app, version 1.1.0 (Canary): it fills #app, and says which version runs.
// On a warm start the SDK inserts this script before the body is parsed: wait for the DOM.
(function () {
  function render() {
    var el = document.getElementById('app');
    if (!el) return;
    el.setAttribute('data-version', '1.1.0');
    el.replaceChildren();
    var title = document.createElement('strong');
    var client = window.clientCanary;
    // The label follows this page's decision: after a promote, 1.1.0 is the stable app.
    var variant = client ? client.variant('app') : 'stable';
    title.textContent = '▲ ' + (variant === 'canary' ? 'Canary' : 'Stable') + ' app 1.1.0';
    var line = document.createElement('span');
    line.textContent = (client && client.flag('greeting', '')) || 'Hello';
    el.append(title, line);
    window.appVersion = '1.1.0';
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', render);
  else render();
})();
