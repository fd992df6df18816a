// The check-in form. Choosing a red flag shows the safety message at once. On the phone
// page (form[data-queue]) an entry is first kept in this browser's storage with a random
// idempotency key, then sent; when the computer cannot be reached it waits there and is
// sent later (on reconnect, on the next visit, every 30 s). The server keeps each key
// once, so an entry sent twice is saved once.
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form) { return; }
  var safety = document.getElementById("safety-now");
  function showSafety() {
    var any = form.querySelector("input[name='red_flag']:checked");
    if (safety) { safety.classList.toggle("hidden", !any); }
  }
  form.addEventListener("change", showSafety);
  showSafety();
  if (!form.dataset.queue) { return; }

  var KEY = "queue-" + form.dataset.queue;  // per share: another computer's queue stays apart
  var status = document.getElementById("queue-status");
  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(items) { window.localStorage.setItem(KEY, JSON.stringify(items)); }
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);  // randomUUID needs https; this does not
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" +
      ("0" + d.getDate()).slice(-2);
  }
  function say(text) { if (status) { status.textContent = text; } }
  function describe() {
    var n = load().length;
    if (n === 0) { return; }
    say(n === 1 ? "1 check-in is waiting to be sent; it goes as soon as the computer is reachable."
      : n + " check-ins are waiting to be sent; they go as soon as the computer is reachable.");
  }

  var sending = false;
  function flush() {
    if (sending) { return Promise.resolve(); }
    var items = load();
    if (!items.length) { return Promise.resolve(); }
    sending = true;
    var item = items[0];
    return window.fetch(form.dataset.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(item),
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        sending = false;
        if (response.ok || [400, 409, 413, 415].indexOf(response.status) >= 0) {
          // saved, already saved (409), or refused for good: either way it leaves the queue
          save(load().filter(function (other) { return other.key !== item.key; }));
          say(body.message || (response.ok ? "Saved." : "Not saved."));
          if (body.safety) { document.getElementById("safety-now").classList.remove("hidden"); }
          return flush();
        }
        describe();
      });
    }).catch(function () { sending = false; describe(); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var entry = { key: newKey(), on: today() };
    data.forEach(function (value, name) {
      if (name === "red_flag" || name === "symptom") {
        entry[name] = (entry[name] || []).concat([value]);
      } else { entry[name] = value; }
    });
    var items = load();
    items.push(entry);
    save(items);
    form.reset();
    showSafety();
    if (entry.red_flag) { safety.classList.remove("hidden"); }
    say("Saving…");
    flush();
  });
  window.addEventListener("online", flush);
  window.setInterval(flush, 30000);
  describe();
  flush();
})();
