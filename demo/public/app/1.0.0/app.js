// The tiny app, version 1.0.0 (Stable).
(function () {
  var el = document.getElementById('app') || document.body.appendChild(document.createElement('div'));
  el.setAttribute('data-version', '1.0.0');
  el.textContent = 'Stable app, version 1.0.0';
  window.appVersion = '1.0.0';
})();
