// Today page: while today's session is being prepared, show how far it is, then reload.
(function () {
  "use strict";
  var box = document.getElementById("render-progress");
  if (!box) { return; }
  var form = document.getElementById("render-form");
  var bar = document.getElementById("render-bar");
  var status = document.getElementById("render-status");
  function poll() {
    window.fetch("/render/status", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.running) {
          box.classList.remove("hidden");
          bar.value = s.fraction;
          status.textContent = "Preparing… " + Math.round(s.fraction * 100) + "%";
          window.setTimeout(poll, 700);
        } else if (s.done) {
          status.textContent = "Ready.";
          window.location.reload();
        } else if (s.error) {
          status.textContent = "Could not prepare it: " + s.error;
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  if (!box.classList.contains("hidden")) { poll(); }
  if (form) {
    form.addEventListener("submit", function () { box.classList.remove("hidden"); });
  }
})();
