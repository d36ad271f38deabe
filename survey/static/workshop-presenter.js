// The projector: follow the live counts (polling a small JSON, 4 times a second), move
// with the keyboard, keep a per-block timer. Without JavaScript the buttons still work.
(function () {
  "use strict";
  var body = document.body;
  var stateUrl = body.dataset.state;
  var busy = false;
  var plural = new Intl.PluralRules(document.documentElement.lang || "en");

  function typing() {
    var el = document.activeElement;
    return el && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName);
  }

  function poll() {
    if (busy) return;
    busy = true;
    fetch(stateUrl, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        var agreements = Object.keys(s.dots || {}).length;
        if (String(s.step) !== body.dataset.step || s.revealed.join(",") !== body.dataset.revealed ||
            (String(agreements) !== body.dataset.agreements && !typing())) {
          window.location.reload();
          return;
        }
        if (s.guessed) {
          document.querySelectorAll("[data-count]").forEach(function (el) {
            var count = s.guessed[el.dataset.count];
            var unit = el.parentNode.querySelector("[data-forms]");
            el.textContent = count;
            // The words after the count take the language's plural form (2 osoby, 5 osób).
            if (unit) unit.textContent = JSON.parse(unit.dataset.forms)[plural.select(count)];
          });
        }
        document.querySelectorAll("[data-dots]").forEach(function (el) {
          if (s.dots[el.dataset.dots] !== undefined) el.textContent = s.dots[el.dataset.dots];
        });
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }
  window.setInterval(poll, 250);

  function submit(id) {
    var form = document.getElementById(id);
    var button = form && form.querySelector("button");
    if (form && button && !button.disabled) form.submit();
  }

  document.addEventListener("keydown", function (event) {
    if (typing() || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "ArrowRight" || event.key === " " || event.key === "PageDown") {
      event.preventDefault(); submit("next");
    } else if (event.key === "ArrowLeft" || event.key === "PageUp") {
      event.preventDefault(); submit("previous");
    } else if (event.key === "r" || event.key === "R") {
      submit("reveal");
    } else if (event.key === "f" || event.key === "F") {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(function () {});
    }
  });

  // The block's timer counts down from its minutes; the start is kept per block in this
  // browser tab only (nothing about time is sent to or stored on the server).
  var timer = document.getElementById("timer");
  if (timer) {
    var key = body.dataset.timerKey;
    var start = Number(window.sessionStorage.getItem(key)) || Date.now();
    window.sessionStorage.setItem(key, String(start));
    var total = Number(timer.dataset.minutes) * 60;
    var tick = function () {
      var left = total - Math.floor((Date.now() - start) / 1000);
      var sign = left < 0 ? "+" : "";
      var abs = Math.abs(left);
      timer.textContent = sign + Math.floor(abs / 60) + ":" + String(abs % 60).padStart(2, "0");
      timer.parentNode.classList.toggle("over", left < 0);
    };
    tick();
    window.setInterval(tick, 1000);
  }
})();
