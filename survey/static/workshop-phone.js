// Phones follow the projector: when the facilitator moves on or reveals, reload the page
// (unless the person has started choosing). Without JavaScript, the Refresh link does it.
(function () {
  "use strict";
  var box = document.querySelector(".phone[data-state]");
  if (!box) return;
  function poll() {
    if (document.querySelector("input:checked, select:focus")) return;
    fetch(box.dataset.state, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (String(s.step) !== box.dataset.step || s.revealed.join(",") !== box.dataset.revealed) {
          window.location.reload();
        }
      })
      .catch(function () {});
  }
  window.setInterval(poll, 2000);
})();
