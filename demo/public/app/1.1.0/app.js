// The tiny app, version 1.1.0 (Canary).
(function () {
  var el = document.getElementById('app') || document.body.appendChild(document.createElement('div'));
  el.setAttribute('data-version', '1.1.0');
  el.textContent = 'Canary app, version 1.1.0';
  window.appVersion = '1.1.0';
})();
