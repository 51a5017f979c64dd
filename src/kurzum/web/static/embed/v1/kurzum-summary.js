// <kurzum-summary publication="blick" article="EXTERNAL-ID" lang="de"></kurzum-summary>
// kurzum's "Auf einen Blick" box for a publisher's own pages (Apache-2.0). Plain JS module, no
// build step, shadow DOM. It shows exactly what the reader API answers: the bullets with their
// label, the locked notice with login and subscribe links, or nothing.
// Entitlement: the kurzum session cookie (kurzum on a subdomain) or the publisher's JWT, given
// as the `token` attribute, `element.token = "…"` or `element.tokenProvider = async () => "…"`.
// Theme: --kurzum-bg, -fg, -muted, -accent, -link, -reviewed, -focus, -highlight, -font,
// -title-font, -radius. Parts: box, header, title, label, bullets, bullet, bullet-text,
// actions, source-link, report-button, report-form, report-input, report-submit, notice,
// subscribe-link, login-link, status.
// Provenance: host paragraphs carry data-kurzum-paragraph="N" (0 = lead, N = Nth body
// paragraph); without them the bullet text is looked up in the page's paragraphs.

const T = {
  de: ["Auf einen Blick", "Quelle im Artikel zeigen", "Quelle zu Punkt", "Fehler melden",
    "Was stimmt nicht? (optional)", "Meldung senden", "Danke! Die Redaktion prüft deine Meldung.",
    "Die Meldung konnte nicht gesendet werden.", "Zur Anmeldung", "Die Quelle ist auf dieser Seite nicht zu finden.",
    "Punkt", "Dein Konto hat kein Abo für diese Publikation."],
  fr: ["En bref", "Voir la source dans l’article", "Source du point", "Signaler une erreur",
    "Qu’est-ce qui ne va pas ? (facultatif)", "Envoyer le signalement",
    "Merci ! La rédaction va examiner votre signalement.", "Le signalement n’a pas pu être envoyé.",
    "Se connecter", "La source est introuvable sur cette page.", "Point",
    "Votre compte n’a pas d’abonnement à cette publication."],
  en: ["At a glance", "Show the source in the article", "Source of point", "Report an error",
    "What is wrong? (optional)", "Send report", "Thank you! The editors will look at your report.",
    "The report could not be sent.", "Log in", "The source cannot be found on this page.", "Point",
    "Your account has no subscription to this publication."],
};
const [TITLE, SOURCE, SOURCE_FOR, REPORT, REASON, SEND, THANKS, FAILED, LOGIN, MISSING, POINT, NO_SUB] =
  T.de.keys();

const CSS = `
:host{display:block;margin:0 0 1.5rem;font:1rem/1.55 var(--kurzum-font,system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif);color:var(--kurzum-fg,#1b1b1b)}
:host([hidden]){display:none}
section{background:var(--kurzum-bg,#f3f5f7);border-left:4px solid var(--kurzum-accent,#b3122a);border-radius:var(--kurzum-radius,6px);padding:.75rem 1rem 1rem}
header{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .75rem;margin-bottom:.5rem}
h2{font-family:var(--kurzum-title-font,inherit);font-size:1.1rem;font-weight:800;line-height:1.3;margin:0}
.label{font-size:.8rem;font-weight:600;color:var(--kurzum-muted,#555);border:1px solid currentColor;border-radius:999px;padding:0 .55rem}
.label.reviewed{color:var(--kurzum-reviewed,#17622f)}
ul{margin:0;padding-left:1.25rem;display:grid;gap:.75rem}
li::marker{color:var(--kurzum-accent,#b3122a);font-weight:800}
.text{display:block;font-weight:500}
.actions{display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.875rem;margin-top:.2rem}
button.link,a{font:inherit;color:var(--kurzum-link,#0b57a4);background:none;border:0;padding:0;cursor:pointer;text-decoration:underline;text-underline-offset:.15em}
a.button,button[type=submit]{display:inline-block;font:inherit;font-weight:600;color:var(--kurzum-bg,#fff);background:var(--kurzum-fg,#1b1b1b);border:1px solid var(--kurzum-fg,#1b1b1b);border-radius:var(--kurzum-radius,6px);padding:.35rem .9rem;text-decoration:none;cursor:pointer}
:focus-visible{outline:3px solid var(--kurzum-focus,#1a5fb4);outline-offset:2px}
form{display:grid;gap:.4rem;margin-top:.5rem;max-width:30rem}
form[hidden]{display:none}
textarea{font:inherit;border:1px solid #8a8f96;border-radius:4px;padding:.3rem}
p{margin:0 0 .5rem}
.status:empty{display:none}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value != null && value !== false) node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c != null));
  return node;
};
const squash = (text) => (text || "").replace(/\s+/g, " ").trim().toLowerCase();

export class KurzumSummary extends HTMLElement {
  static observedAttributes = ["publication", "article", "lang", "token", "api-base"];
  #token = null;
  #provider = null;
  #answer = null;
  #loading = 0;

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
  }

  /** The publisher's JWT (sent as Authorization: Bearer); setting it reloads the box. */
  get token() { return this.#token ?? this.getAttribute("token"); }
  set token(value) { this.#token = value || null; this.#reload(); }
  /** A function returning the JWT (or a promise of it), asked before every request. */
  get tokenProvider() { return this.#provider; }
  set tokenProvider(fn) { this.#provider = typeof fn === "function" ? fn : null; this.#reload(); }
  /** The reader API's last answer (null before it arrived). */
  get summary() { return this.#answer; }

  connectedCallback() { this.#reload(); }
  attributeChangedCallback() { this.#reload(); }

  get #base() {
    return new URL(this.getAttribute("api-base") || "../../", import.meta.url);
  }

  async #headers(json) {
    const headers = {};
    const token = this.#provider ? await this.#provider() : this.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    const lang = this.getAttribute("lang");
    if (lang) headers["Accept-Language"] = lang;
    if (json) headers["Content-Type"] = "application/json";
    return headers;
  }

  #reload() {
    if (!this.isConnected) return;
    const publication = this.getAttribute("publication");
    const article = this.getAttribute("article");
    if (!publication || !article) return;
    const ticket = ++this.#loading;
    queueMicrotask(() => this.#load(ticket, publication, article));
  }

  async #load(ticket, publication, article) {
    let answer = null;
    try {
      const path = `api/v1/reader/publications/${encodeURIComponent(publication)}/articles/${encodeURIComponent(article)}/summary`;
      const response = await fetch(new URL(path, this.#base), {
        credentials: "include",
        headers: await this.#headers(false),
      });
      if (response.ok) answer = await response.json();
    } catch {
      answer = null; // offline, refused origin or bad token: show nothing
    }
    if (ticket !== this.#loading) return; // a newer request is on its way
    this.#answer = answer;
    this.#render(answer);
    this.dispatchEvent(new CustomEvent("kurzum-summary:load", {
      bubbles: true, composed: true, detail: { status: answer ? answer.status : "error" },
    }));
  }

  #render(answer) {
    const root = this.shadowRoot;
    root.replaceChildren();
    const status = answer && answer.status;
    if (status !== "available" && status !== "locked") {
      this.hidden = true;
      return;
    }
    this.hidden = false;
    const t = T[answer.language] || T.de;
    const titleId = "kz-title";
    const box = el("section", { part: "box", lang: answer.language, "aria-labelledby": titleId });
    const header = el("header", { part: "header" }, el("h2", { part: "title", id: titleId }, t[TITLE]));
    box.append(header);
    const live = el("p", { part: "status", class: "status", role: "status", "aria-live": "polite" });
    if (status === "available") {
      header.append(el("span", { part: "label", class: answer.reviewed ? "label reviewed" : "label" }, answer.label));
      const list = el("ul", { part: "bullets" });
      answer.bullets.forEach((bullet, index) => list.append(this.#bullet(answer, bullet, index, t, live)));
      box.append(list);
    } else {
      box.append(el("p", { part: "notice" }, answer.notice));
      if (answer.locked_reason === "subscribe" && !answer.subscribe_url) box.append(el("p", { part: "notice" }, t[NO_SUB]));
      const actions = el("p", { part: "actions" });
      if (answer.subscribe_url) actions.append(el("a", { part: "subscribe-link", class: "button", href: answer.subscribe_url }, answer.subscribe_text), " ");
      if (answer.login_url) actions.append(el("a", { part: "login-link", href: answer.login_url }, t[LOGIN]));
      box.append(actions);
    }
    box.append(live);
    root.append(el("style", {}, CSS), box);
  }

  #bullet(answer, bullet, index, t, live) {
    const number = index + 1;
    const hidden = (text) => el("span", { class: "sr" }, ` (${text})`);
    const actions = el("span", { part: "actions", class: "actions" });
    const sources = bullet.sources || [];
    if (sources.length) {
      const show = el("button", { part: "source-link", class: "link", type: "button" }, t[SOURCE], hidden(`${t[SOURCE_FOR]} ${number}`));
      show.addEventListener("click", () => {
        live.textContent = this.#reveal(sources[0].paragraph, bullet.text) ? "" : t[MISSING];
      });
      actions.append(show);
    }
    const formId = `kz-report-${number}`;
    const toggle = el("button", { part: "report-button", class: "link", type: "button", "aria-expanded": "false", "aria-controls": formId }, t[REPORT], hidden(`${t[POINT]} ${number}`));
    const input = el("textarea", { part: "report-input", id: `${formId}-text`, maxlength: "2000", rows: "3" });
    const form = el("form", { part: "report-form", id: formId, hidden: true },
      el("label", { for: `${formId}-text` }, t[REASON]), input,
      el("div", {}, el("button", { part: "report-submit", type: "submit" }, t[SEND])));
    toggle.addEventListener("click", () => {
      form.hidden = !form.hidden;
      toggle.setAttribute("aria-expanded", String(!form.hidden));
      if (!form.hidden) input.focus();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      live.textContent = (await this.#report(answer.summary_id, index, input.value)) ? t[THANKS] : t[FAILED];
      if (live.textContent === t[THANKS]) {
        form.hidden = true;
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
    actions.append(toggle);
    return el("li", { part: "bullet" }, el("span", { part: "bullet-text", class: "text" }, bullet.text), actions, form);
  }

  async #report(summaryId, bullet, message) {
    try {
      const response = await fetch(new URL(`api/v1/reader/summaries/${summaryId}/reports`, this.#base), {
        method: "POST",
        credentials: "include",
        headers: await this.#headers(true),
        body: JSON.stringify({ bullet, message }),
      });
      return response.ok;
    } catch {
      return false;
    }
  }

  /** Scroll to and highlight the host's paragraph; false when the page has none that fits. */
  #reveal(paragraph, text) {
    const doc = this.ownerDocument;
    let target = paragraph == null ? null : doc.querySelector(`[data-kurzum-paragraph="${Number(paragraph)}"]`);
    if (!target) {
      const needle = squash(text).slice(0, 80);
      target = needle ? [...doc.querySelectorAll("p, li, blockquote")].find((p) => !this.contains(p) && squash(p.textContent).includes(needle)) : null;
    }
    if (!target) return false;
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    target.scrollIntoView({ behavior: still ? "auto" : "smooth", block: "center" });
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    for (const old of doc.querySelectorAll("[data-kurzum-active]")) old.removeAttribute("data-kurzum-active");
    target.setAttribute("data-kurzum-active", "");
    const colour = getComputedStyle(this).getPropertyValue("--kurzum-highlight").trim() || "#ffd34d";
    target.animate?.([{ backgroundColor: colour }, { backgroundColor: colour, offset: 0.7 }, {}], { duration: 2500 });
    return true;
  }
}

if (!customElements.get("kurzum-summary")) customElements.define("kurzum-summary", KurzumSummary);
