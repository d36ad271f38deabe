// Progressive enhancements of the respondent pages; every page works without them.
// 1. What was typed or chosen on a question or comments page survives a reload: it is
//    kept in this tab's sessionStorage until the page's form is sent, and all of it is
//    dropped on pages marked data-forget (welcome, thanks, the kiosk's start screen).
// 2. On a kiosk, 2 minutes without a touch return to the clean start screen; touches
//    tell the server to keep the person's survey alive meanwhile.
// 3. Under each open answer, a counter in characters ("Characters left: 53"), counted
//    the way the server checks (survey/store/slots.py, characters_over): the room is in
//    bytes, a Polish letter takes two, an emoji four, a line break two. The counter
//    starts at the text area's maxlength (the most plain letters that fit); a key that
//    would pass the room types nothing, so typing stops where the counter says 0. A
//    too-long answer (pasted, restored) says how many characters are over and holds the
//    page's buttons; a screen reader hears the count once typing pauses.
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

  var utf8 = new TextEncoder();
  var cost = function (ch) {
    return ch === "\n" ? 2 : utf8.encode(ch).length;
  };
  var lang = document.documentElement.lang || undefined;
  var measured = function (area, value) {
    var room = parseInt(area.getAttribute("data-room"), 10);
    var chars = Array.from(value.replace(/\r\n/g, "\n").trim());
    var left = room;
    chars.forEach(function (ch) {
      left -= cost(ch);
    });
    var over = 0;
    for (var i = chars.length - 1; left < 0 && i >= 0; i--) {
      left += cost(chars[i]);
      over += 1;
    }
    return over ? { left: 0, over: over } : { left: left, over: 0 };
  };
  var rooms = Array.prototype.slice.call(document.querySelectorAll("textarea[data-room]"));
  rooms.forEach(function (area) {
    var counter = document.createElement("p");
    counter.className = "counter";
    counter.id = area.id + "-counter";
    var spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("role", "status");
    area.insertAdjacentElement("afterend", counter);
    counter.insertAdjacentElement("afterend", spoken);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    var serverSaidInvalid = area.getAttribute("aria-invalid") === "true";
    var pause = null;
    area.lustroCount = function (quiet) {
      var now = measured(area, area.value);
      var text = now.over
        ? area.getAttribute("data-over-label") + " " + now.over.toLocaleString(lang)
        : area.getAttribute("data-left-label") + " " + now.left.toLocaleString(lang);
      counter.textContent = text;
      counter.classList.toggle("over", now.over > 0);
      if (now.over || serverSaidInvalid) {
        area.setAttribute("aria-invalid", "true");
      } else {
        area.removeAttribute("aria-invalid");
      }
      if (!quiet) {
        clearTimeout(pause);
        pause = setTimeout(function () {
          spoken.textContent = text;
        }, 1000);
      }
      return now;
    };
    area.lustroSay = function (words) {
      spoken.textContent = words;
    };
    area.addEventListener("beforeinput", function (event) {
      var typed = { insertText: event.data, insertLineBreak: "\n", insertParagraph: "\n" };
      var added = typed[event.inputType];
      if (!added) return; // pasting, dropping, deleting: the counter tells what came of it
      var value = area.value;
      var next = value.slice(0, area.selectionStart) + added + value.slice(area.selectionEnd);
      if (measured(area, next).over > measured(area, value).over) {
        event.preventDefault();
        spoken.textContent = counter.textContent;
      }
    });
    area.addEventListener("input", function () {
      serverSaidInvalid = false;
      area.lustroCount();
    });
    area.lustroCount(true);
  });
  if (rooms.length) {
    rooms[0].form.addEventListener("submit", function (event) {
      var first = rooms.filter(function (area) {
        return area.lustroCount(true).over > 0;
      })[0];
      if (first) {
        event.preventDefault();
        event.stopImmediatePropagation();
        first.focus();
        first.lustroSay(first.getAttribute("data-over-hint") + " " + first.nextElementSibling.textContent);
      }
    }, true);
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
