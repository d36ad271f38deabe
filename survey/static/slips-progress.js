// The slips progress page (templates/console/slips_progress.html) without a meta refresh:
// ask slips.json every second, move the progress bar, and show the part of the page for
// the new state (ready: the download button; failed: try again). The sentence in the
// live region (role=status) changes at most every five seconds while drawing, so a
// screen reader is not interrupted every second, and at once when the state changes.
(function () {
  "use strict";
  var box = document.getElementById("slips");
  if (!box || box.getAttribute("data-state") !== "drawing") return;
  var url = box.getAttribute("data-progress-url");
  var message = document.getElementById("slips-message");
  var bar = box.querySelector("progress");
  var said = Date.now();

  var show = function (state) {
    box.setAttribute("data-state", state);
    box.querySelectorAll("[data-when]").forEach(function (part) {
      part.hidden = part.getAttribute("data-when") !== state;
    });
    message.className = state === "failed" ? "flash flash-error" : "";
  };

  var poll = function () {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (now) {
        if (now.state === "gone") {
          location.reload(); // taken in another tab: the server's page says what is left
          return;
        }
        bar.max = now.total;
        bar.value = now.done;
        bar.textContent = now.done + " / " + now.total;
        if (now.state !== "drawing" || Date.now() - said >= 5000) {
          message.textContent = now.message;
          said = Date.now();
        }
        if (now.state === "drawing") {
          setTimeout(poll, 1000);
        } else {
          show(now.state);
        }
      })
      .catch(function () {
        setTimeout(poll, 3000); // the server restarting, say: keep asking, more slowly
      });
  };
  setTimeout(poll, 1000);
})();
