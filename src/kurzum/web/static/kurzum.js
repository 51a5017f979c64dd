/* kurzum pages: progressive enhancement only; every page works without this file.
   1. "Quelle zeigen": highlight all source spans of a bullet and scroll to the first.
   2. Review page: live faithfulness warnings while an editor types (fetch to the check endpoint). */
(function () {
  "use strict";

  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function showSource(bullet) {
    var all = document.querySelectorAll("mark.kz-src");
    var first = null;
    for (var i = 0; i < all.length; i++) {
      var bullets = (all[i].getAttribute("data-bullets") || "").split(" ");
      var hit = bullets.indexOf(String(bullet)) !== -1;
      all[i].classList.toggle("is-active", hit);
      if (hit && first === null) { first = all[i]; }
    }
    if (first) {
      if (!first.hasAttribute("tabindex")) { first.setAttribute("tabindex", "-1"); }
      first.scrollIntoView({ block: "center", behavior: reduceMotion ? "auto" : "smooth" });
      first.focus({ preventScroll: true });
    }
    return first;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.kz-source-link") : null;
    if (!link) { return; }
    var bullet = link.getAttribute("data-bullet");
    if (showSource(bullet)) {
      event.preventDefault();
      if (history.replaceState) { history.replaceState(null, "", link.getAttribute("href")); }
    }
  });

  /* ---- live check on the review page ---- */
  var form = document.querySelector("form[data-check-url]");
  if (!form) { return; }
  var url = form.getAttribute("data-check-url");
  var token = form.querySelector("input[name='csrf_token']");
  var status = document.getElementById("kz-check-status");
  var timer = null;
  var sequence = 0;

  function fields() { return form.querySelectorAll("textarea[name='bullet']"); }

  function render(issues, okText) {
    var list = fields();
    for (var i = 0; i < list.length; i++) {
      var out = document.getElementById("kz-warnings-" + (i + 1));
      if (!out) { continue; }
      out.textContent = "";
      var mine = issues.filter(function (issue) { return issue.bullet === i; });
      mine.forEach(function (issue) {
        var li = document.createElement("li");
        li.textContent = issue.message;
        out.appendChild(li);
      });
      list[i].setAttribute("aria-invalid", mine.length ? "true" : "false");
    }
    if (status) { status.textContent = issues.length ? "" : okText; }
  }

  function check() {
    var mine = ++sequence;
    var bullets = Array.prototype.map.call(fields(), function (f) { return f.value; });
    if (status) { status.textContent = form.getAttribute("data-checking-text") || ""; }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token ? token.value : "" },
      body: JSON.stringify({ bullets: bullets })
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      if (mine !== sequence) { return; }
      render(data.issues || [], data.ok_text || "");
    }).catch(function () {
      if (mine === sequence && status) { status.textContent = form.getAttribute("data-failed-text") || ""; }
    });
  }

  form.addEventListener("input", function (event) {
    if (event.target.name !== "bullet") { return; }
    clearTimeout(timer);
    timer = setTimeout(check, 350);
  });
  var button = form.querySelector("button[data-check]");
  if (button) {
    button.addEventListener("click", function (event) { event.preventDefault(); check(); });
  }
})();

/* 3. Editor desk keyboard: j/k move, Enter open, x select, a approve, r reject, e edit,
      g regenerate, u queue, ? help. Every key stands for a link or a form that works without
      this script; a decision is one form post (post/redirect/get opens the next item). */
(function () {
  "use strict";

  var queue = document.querySelector("[data-queue]");
  var decisions = document.querySelectorAll("form[data-decision]");
  var bulk = document.querySelector("form[data-bulk]");
  var help = document.getElementById("kz-keys");
  if (!queue && !decisions.length && !help) { return; }
  var busy = false;

  function typing(target) {
    var name = target && target.tagName;
    return name === "INPUT" || name === "TEXTAREA" || name === "SELECT" || (target && target.isContentEditable);
  }

  function rows() { return queue ? queue.querySelectorAll("[data-row]") : []; }

  function current() {
    var list = rows();
    for (var i = 0; i < list.length; i++) {
      if (list[i].getAttribute("tabindex") === "0") { return i; }
    }
    return 0;
  }

  function focusRow(index) {
    var list = rows();
    if (!list.length) { return; }
    index = Math.max(0, Math.min(list.length - 1, index));
    for (var i = 0; i < list.length; i++) {
      list[i].setAttribute("tabindex", i === index ? "0" : "-1");
      list[i].classList.toggle("is-current", i === index);
    }
    list[index].focus();
  }

  function submit(form, submitter) {
    if (busy || !form) { return; }
    busy = true;
    if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
  }

  function follow(selector) {
    var link = document.querySelector(selector);
    if (link && !busy) { busy = true; window.location.assign(link.getAttribute("href")); }
  }

  function decision(key) {
    for (var i = 0; i < decisions.length; i++) {
      if (decisions[i].getAttribute("data-decision") === key) { return decisions[i]; }
    }
    return null;
  }

  function toggleHelp() {
    if (!help) { return; }
    help.open = !help.open;
    if (help.open) { help.querySelector("summary").focus(); }
  }

  if (queue) {
    focusRow(0);
    queue.addEventListener("click", function (event) {
      var row = event.target.closest ? event.target.closest("[data-row]") : null;
      if (row) { focusRow(Array.prototype.indexOf.call(rows(), row)); }
    });
  }

  if (bulk) {
    bulk.addEventListener("submit", function (event) {
      if (bulk.querySelector("input[name='confirm']")) { return; }
      if (!bulk.querySelector("input[name='ids']:checked")) { event.preventDefault(); busy = false; return; }
      if (!window.confirm(bulk.getAttribute("data-confirm-text") || "?")) { event.preventDefault(); busy = false; return; }
      var confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirm";
      confirmed.value = "1";
      bulk.appendChild(confirmed);
    });
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (typing(target)) {
      if (event.key === "Escape") { target.blur(); event.preventDefault(); }
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.form) {
        event.preventDefault();
        submit(target.form, target.form.querySelector("button[data-save-approve]"));
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var key = event.key;
    if (key === "?") { event.preventDefault(); toggleHelp(); return; }
    if (queue) {
      var list = rows();
      if (key === "j" || key === "ArrowDown") { event.preventDefault(); focusRow(current() + 1); return; }
      if (key === "k" || key === "ArrowUp") { event.preventDefault(); focusRow(current() - 1); return; }
      var row = list[current()];
      if (!row) { return; }
      if (key === "Enter" || key === "o") {
        if (target.tagName === "A" || target.tagName === "BUTTON") { return; }
        event.preventDefault();
        busy = true;
        window.location.assign(row.getAttribute("data-href"));
        return;
      }
      if (key === "x") {
        var box = row.querySelector("input[name='ids']");
        if (box) { event.preventDefault(); box.checked = !box.checked; }
        return;
      }
      if (key === "a" && bulk && bulk.querySelector("input[name='ids']:checked")) {
        event.preventDefault();
        submit(bulk);
      }
      return;
    }
    if (key === "j") { event.preventDefault(); follow("a[data-key-next]"); return; }
    if (key === "k") { event.preventDefault(); follow("a[data-key-prev]"); return; }
    if (key === "u") { event.preventDefault(); follow("a[data-key-queue]"); return; }
    if (key === "e") {
      var field = document.querySelector("form[data-check-url] textarea[name='bullet']");
      if (field) { event.preventDefault(); field.focus(); field.setSelectionRange(field.value.length, field.value.length); }
      return;
    }
    if (key === "a" || key === "r" || key === "g") {
      var form = decision(key);
      if (!form) { return; }
      event.preventDefault();
      if (key === "a" && form.hasAttribute("data-needs-override")) {
        var override = form.querySelector("input[name='override']");
        var reason = form.querySelector("textarea[name='reason']");
        if (override && !override.checked) { override.focus(); return; }
        if (reason && !reason.value.trim()) { reason.focus(); return; }
      }
      submit(form);
    }
  });
})();
