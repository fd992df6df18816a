// The session player: chapters to jump to, the words following along, and a breath guide
// driven by the session's own timeline (the audio clock, read every frame), so the circle
// widens exactly while the tones say "inhale". Honours prefers-reduced-motion.
(function () {
  "use strict";
  var data = document.getElementById("session-data");
  var audio = document.getElementById("session-audio");
  if (!data || !audio) { return; }
  var session = JSON.parse(data.textContent);
  var guide = document.getElementById("breath");
  var circle = guide && guide.querySelector(".breath-circle");
  var label = guide && guide.querySelector(".breath-label");
  var lines = Array.prototype.slice.call(document.querySelectorAll(".transcript p[data-start]"));
  var chapters = Array.prototype.slice.call(document.querySelectorAll("button.chapter"));
  var follow = document.getElementById("follow-words");
  var still = window.matchMedia("(prefers-reduced-motion: reduce)");
  var WORDS = { inhale: "Breathe in", exhale: "Breathe out", hold: "Hold, breathing softly",
                none: "" };
  var SMALL = 0.6;

  // The last event starting at or before t (events are sorted by start).
  function find(events, t) {
    var lo = 0, hi = events.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (events[mid][1] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  var shownPhase = null, shownLine = -1, shownChapter = -1;

  function tick() {
    var t = audio.currentTime;
    if (guide) {
      var i = find(session.breath, t);
      var ev = i >= 0 && t < session.breath[i][2] ? session.breath[i] : null;
      var phase = ev ? ev[0] : "none";
      var scale = SMALL;
      if (ev) {
        var f = Math.min(1, Math.max(0, (t - ev[1]) / (ev[2] - ev[1])));
        var eased = 0.5 - 0.5 * Math.cos(Math.PI * f);
        if (phase === "inhale") { scale = SMALL + (1 - SMALL) * eased; }
        else if (phase === "exhale") { scale = 1 - (1 - SMALL) * eased; }
        else { scale = guide.dataset.lastScale ? parseFloat(guide.dataset.lastScale) : SMALL; }
      }
      if (!still.matches) { circle.style.transform = "scale(" + scale.toFixed(3) + ")"; }
      if (phase !== "hold") { guide.dataset.lastScale = String(scale); }
      if (phase !== shownPhase) {
        shownPhase = phase;
        guide.dataset.phase = phase;
        guide.dataset.phaseSince = t.toFixed(3);  // the audio clock when the guide turned
        guide.dataset.phaseStart = ev ? String(ev[1]) : "";
        label.textContent = WORDS[phase] || "";
      }
    }
    var line = find(session.speech, t);
    if (line >= 0 && t >= session.speech[line][2] + 4) { line = -1; }
    if (line !== shownLine) {
      if (shownLine >= 0 && lines[shownLine]) { lines[shownLine].classList.remove("now"); }
      shownLine = line;
      if (line >= 0 && lines[line]) {
        lines[line].classList.add("now");
        if (follow && follow.checked) {
          var box = lines[line].parentNode;
          box.scrollTop = lines[line].offsetTop - box.offsetTop - box.clientHeight / 3;
        }
      }
    }
    var chapter = find(session.segments, t);
    if (chapter !== shownChapter) {
      if (chapters[shownChapter]) { chapters[shownChapter].removeAttribute("aria-current"); }
      shownChapter = chapter;
      if (chapters[chapter]) { chapters[chapter].setAttribute("aria-current", "true"); }
    }
  }

  function loop() {
    tick();
    if (!audio.paused && !audio.ended) { window.requestAnimationFrame(loop); }
  }
  audio.addEventListener("play", function () { window.requestAnimationFrame(loop); });
  audio.addEventListener("seeked", tick);
  audio.addEventListener("timeupdate", function () { if (audio.paused) { tick(); } });
  audio.addEventListener("ended", function () {
    var next = document.getElementById("after-session");
    if (next) { next.classList.remove("hidden"); next.focus(); }
  });
  chapters.forEach(function (button) {
    button.addEventListener("click", function () {
      audio.currentTime = parseFloat(button.dataset.start);
      audio.play();
    });
  });
  tick();
})();
