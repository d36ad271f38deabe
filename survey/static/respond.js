// Progressive enhancements of the respondent pages; every page works without them.
// 1. What was typed or chosen on a question or comments page survives a reload: it is
//    kept in this tab's sessionStorage until the page's form is sent, and all of it is
//    dropped on pages marked data-forget (welcome, thanks, the kiosk's start screen).
// 2. On a kiosk, 2 minutes without a touch return to the clean start screen; touches
//    tell the server to keep the person's survey alive meanwhile.
(function () {
  "use strict";
  var store = window.sessionStorage;

  if (document.body.hasAttribute("data-forget")) {
    store.clear();
  }

  var form = document.querySelector("form[data-keep]");
  if (form) {
    var key = "lustro:" + location.pathname;
    var saved = null;
    try {
      saved = JSON.parse(store.getItem(key) || "null");
    } catch (e) {
      saved = null;
    }
    if (saved) {
      Object.keys(saved).forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field) {
          field.value = saved[name];
        }
      });
    }
    var keep = function () {
      var values = {};
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.name === "csrf_token" || field.type === "submit") return;
        if (field.type === "radio" && !field.checked) return;
        values[field.name] = field.value;
      });
      store.setItem(key, JSON.stringify(values));
    };
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", function () {
      store.removeItem(key);
    });
  }

  document.querySelectorAll("form[data-forget-on-submit]").forEach(function (sendForm) {
    sendForm.addEventListener("submit", function () {
      store.clear();
    });
  });

  var body = document.body;
  var idle = parseInt(body.getAttribute("data-kiosk-idle") || "0", 10);
  if (idle > 0) {
    var home = body.getAttribute("data-kiosk-home");
    var alive = body.getAttribute("data-kiosk-alive");
    var timer = null;
    var lastPing = Date.now();
    var restart = function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        store.clear();
        location.replace(home);
      }, idle * 1000);
    };
    var touched = function () {
      restart();
      if (Date.now() - lastPing > (idle * 1000) / 4) {
        lastPing = Date.now();
        fetch(alive, { method: "POST", credentials: "same-origin" });
      }
    };
    ["pointerdown", "keydown", "input", "scroll", "touchstart"].forEach(function (type) {
      window.addEventListener(type, touched, { passive: true, capture: true });
    });
    restart();
    var after = parseInt(body.getAttribute("data-kiosk-return") || "0", 10);
    if (after > 0) {
      setTimeout(function () {
        location.replace(home);
      }, after * 1000);
    }
  }
})();
