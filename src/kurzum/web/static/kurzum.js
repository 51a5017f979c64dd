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
