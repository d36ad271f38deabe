// The mail sending's progress page (templates/console/mail_progress.html) without a meta
// refresh: ask the same page every two seconds and move the bar; the sentence in the live
// region (role=status) changes at most every ten seconds while sending, and at once when
// the sending is done, when the whole part of the page is swapped for the final one.
(function () {
  "use strict";
  var run = document.getElementById("mail-run");
  if (!run || run.getAttribute("data-finished") === "true") return;
  var said = Date.now();

  var poll = function () {
    fetch(location.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("mail-run");
        if (!fresh) throw new Error("no progress on the page");
        if (fresh.getAttribute("data-finished") === "true") {
          run.innerHTML = fresh.innerHTML;
          run.setAttribute("data-finished", "true");
          return;
        }
        var bar = run.querySelector("progress");
        var freshBar = fresh.querySelector("progress");
        if (bar && freshBar) {
          bar.max = freshBar.max;
          bar.value = freshBar.value;
          bar.textContent = freshBar.textContent;
        }
        if (Date.now() - said >= 10000) {
          run.querySelector("[role=status]").textContent = fresh.querySelector("[role=status]").textContent;
          said = Date.now();
        }
        setTimeout(poll, 2000);
      })
      .catch(function () {
        setTimeout(poll, 5000); // the server restarting, say: keep asking, more slowly
      });
  };
  setTimeout(poll, 2000);
})();
