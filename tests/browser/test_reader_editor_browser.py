"""The pages in a real browser: paywall, login, provenance, live faithfulness check, approval.

Each test gets its own server and demo database (about 1.5 s), so the scenarios do not depend on
each other's order. Screenshots of the main pages are written to test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'"
)
from playwright.sync_api import BrowserContext, Page, expect

from kurzum.demo import NOTICES, DemoAccount
from kurzum.pipeline import stored_to_core
from kurzum.storage import articles as repo
from kurzum.storage import summaries

from .conftest import ROOT, Live

pytestmark = pytest.mark.browser

ARTICLE = "/p/blick/nordkorea-2024-10"
REVIEWED = "KI-generiert, redaktionell geprüft"


def premium_bullets(live: Live) -> list[str]:
    """The served bullets of the demo's premium article."""
    with live.session_factory() as session:
        pub = repo.get_publication(session, "blick")
        article = repo.get_article(session, pub, "nordkorea-2024-10")
        served = summaries.served_summary(session, article)
        assert served is not None
        return served.bullet_texts


def source_texts(live: Live, bullet: int) -> list[str]:
    """The article spans the served bullet ``bullet`` (0-based) was drawn from."""
    with live.session_factory() as session:
        pub = repo.get_publication(session, "blick")
        article = repo.get_article(session, pub, "nordkorea-2024-10")
        served = summaries.served_summary(session, article)
        assert served is not None
        text = stored_to_core(article).text
        return [text[s["start"] : s["end"]] for s in served.bullets[bullet]["sources"]]


def log_in(page: Page, account: DemoAccount) -> None:
    """Fill the login form the page is on and submit it."""
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    page.get_by_label("E-Mail-Adresse").fill(account.email)
    page.get_by_label("Passwort").fill(account.password)
    page.get_by_role("button", name="Anmelden").click()


def shot(page: Page, screenshots: Path, name: str, *, full: bool = False) -> None:
    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=full)


def test_anonymous_reader_sees_the_notice_and_no_bullets(
    live: Live, context: BrowserContext, screenshots: Path
) -> None:
    bullets = premium_bullets(live)
    page = context.new_page()
    page.goto(live.url + ARTICLE)
    expect(page.get_by_test_id("notice")).to_contain_text(NOTICES["de"])
    expect(page.get_by_test_id("bullets")).to_have_count(0)
    expect(page.get_by_test_id("paywall")).to_be_visible()
    html = page.content()
    for bullet in bullets:
        assert bullet not in html
    data: dict[str, Any] = json.loads(
        page.locator('script[type="application/ld+json"]').text_content() or "{}"
    )
    assert data["isAccessibleForFree"] is False
    assert data["hasPart"]["cssSelector"] == ".kz-paywalled"
    shot(page, screenshots, "article-anonymous")
    page.goto(live.url + "/")
    expect(page.locator(".kz-badge").first).to_have_text("Blick+")
    shot(page, screenshots, "index", full=True)


def test_subscriber_logs_in_sees_bullets_and_opens_a_source(
    live: Live, context: BrowserContext, screenshots: Path
) -> None:
    bullets = premium_bullets(live)
    page = context.new_page()
    page.goto(live.url + ARTICLE)
    page.get_by_test_id("notice").get_by_role("link", name="Zur Anmeldung").click()
    shot(page, screenshots, "login")
    log_in(page, live.account("reader", subscribed=True))
    expect(page).to_have_url(live.url + ARTICLE)
    items = page.get_by_test_id("bullets").locator("li")
    expect(items).to_have_count(len(bullets))
    for item, bullet in zip(items.all(), bullets, strict=True):
        expect(item.locator(".kz-bullet__text")).to_have_text(bullet)
    expect(page.get_by_test_id("summary-label")).to_have_text("KI-generiert")
    expect(page.get_by_test_id("notice")).to_have_count(0)
    page.screenshot(path=str(ROOT / "docs" / "screenshots" / "article.png"))
    shot(page, screenshots, "article-subscriber")

    page.get_by_role("link", name="Quelle im Artikel zeigen (Quelle zu Punkt 2)").click()
    source = page.locator("mark.kz-src.is-active")
    expect(source.first).to_be_in_viewport()
    expect(source.first).to_be_focused()
    expected = source_texts(live, 1)
    assert expected
    assert "".join(source.all_text_contents()) == "".join(expected)
    assert page.url.endswith("#kz-src-2")
    shot(page, screenshots, "article-source")

    page.goto(live.url + "/account/subscription")
    expect(page.get_by_role("cell", name="aktiv", exact=True)).to_be_visible()
    shot(page, screenshots, "subscription")


def test_non_subscriber_logs_in_and_still_sees_the_notice(
    live: Live, context: BrowserContext
) -> None:
    bullets = premium_bullets(live)
    page = context.new_page()
    page.goto(live.url + ARTICLE)
    page.get_by_role("link", name="Anmelden").first.click()
    log_in(page, live.account("reader", subscribed=False))
    expect(page).to_have_url(live.url + ARTICLE)
    expect(page.get_by_text("Angemeldet als leser@kurzum.demo")).to_be_visible()
    expect(page.get_by_test_id("notice")).to_contain_text(NOTICES["de"])
    expect(page.get_by_test_id("bullets")).to_have_count(0)
    html = page.content()
    for bullet in bullets:
        assert bullet not in html


def test_editor_fixes_an_invented_number_and_approves(
    live: Live, context: BrowserContext, browser: Any, screenshots: Path
) -> None:
    original = premium_bullets(live)
    page = context.new_page()
    page.goto(live.url + "/p/blick/zuerich-velobruecke")  # a free article: anyone may report
    page.get_by_text("Fehler melden").first.click()
    page.get_by_label("Was stimmt nicht? (optional)").first.fill("Die Brücke ist 190 m lang.")
    page.get_by_role("button", name="Meldung senden").first.click()
    expect(page.get_by_role("status").first).to_contain_text("Danke!")

    page.goto(live.url + "/editor")
    log_in(page, live.account("editor"))
    expect(page).to_have_url(live.url + "/editor")
    queue = page.get_by_test_id("queue")
    expect(queue).to_be_visible()
    first_row = queue.locator("[data-row]").first
    expect(first_row).to_contain_text("Velobrücke")
    expect(first_row).to_contain_text("1 Leser-Meldung")
    shot(page, screenshots, "editor-queue", full=True)
    queue.get_by_role("link", name=re.compile("Nordkoreas Soldaten")).click()
    expect(page.get_by_role("heading", name="Punkte bearbeiten")).to_be_visible()

    first = page.get_by_label("Punkt 1", exact=True)
    expect(first).to_have_value(original[0])
    first.fill(original[0].rstrip(".") + ", insgesamt 4500.")
    warnings = page.locator("#kz-warnings-1 li")
    expect(warnings).to_have_count(1)
    expect(warnings.first).to_contain_text("«4500»")
    expect(first).to_have_attribute("aria-invalid", "true")
    shot(page, screenshots, "editor-review-warning", full=True)

    first.fill(original[0])
    expect(warnings).to_have_count(0)
    expect(page.locator("#kz-check-status")).to_contain_text("Keine Prüfhinweise")
    page.get_by_role("button", name="Änderungen speichern").click()
    expect(page.get_by_role("status").first).to_contain_text("Gespeichert.")
    shot(page, screenshots, "editor-review", full=True)
    page.get_by_role("button", name="Freigeben", exact=True).click()
    # Auto-advance: the next item of the queue opens, saying what was done.
    expect(page.get_by_role("status").first).to_contain_text("freigegeben.")

    reader = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-CH")
    try:
        reader_page = reader.new_page()
        reader_page.goto(live.url + "/account/login?next=" + ARTICLE)
        log_in(reader_page, live.account("reader", subscribed=True))
        expect(reader_page.get_by_test_id("summary-label")).to_have_text(REVIEWED)
    finally:
        reader.close()


def test_phone_layout_keyboard_and_collapsible_box(
    live: Live, browser: Any, screenshots: Path
) -> None:
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        locale="de-CH",
    )
    try:
        page = phone.new_page()
        page.goto(live.url + "/account/login?next=" + ARTICLE)
        log_in(page, live.account("reader", subscribed=True))
        expect(page.get_by_test_id("bullets")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"page is {overflow}px wider than the phone"
        shot(page, screenshots, "article-phone", full=True)

        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Zum Inhalt springen")
        expect(skip).to_be_focused()
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
        toggle = page.locator("#kz-box > summary")
        toggle.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("bullets")).to_be_hidden()
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("bullets")).to_be_visible()
    finally:
        phone.close()


CONTRAST = """
() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(el);
    if (!own || style.visibility === "hidden" || el.getClientRects().length === 0) continue;
    if (el.closest(".kz-visually-hidden, .kz-skip")) continue;
    const fg = lum(parse(style.color)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    out.push([el.tagName + "." + el.className, el.textContent.trim().slice(0, 30), ratio]);
  }
  return out;
}
"""


@pytest.mark.parametrize("who", ["anonymous", "subscriber", "editor"])
def test_text_contrast_meets_wcag_aa(live: Live, context: BrowserContext, who: str) -> None:
    page = context.new_page()
    paths = [ARTICLE, "/", "/account/login"]
    if who != "anonymous":
        account = (
            live.account("editor") if who == "editor" else live.account("reader", subscribed=True)
        )
        page.goto(live.url + "/account/login")
        log_in(page, account)
        paths = [ARTICLE, "/account/subscription"]
        if who == "editor":
            paths += ["/editor", "/editor/summaries/1"]
    checked = 0
    for path in paths:
        page.goto(live.url + path)
        for tag, text, ratio in page.evaluate(CONTRAST):
            checked += 1
            assert ratio >= 4.5, f"{path}: {tag} {text!r} has contrast {ratio:.2f}"
    assert checked > 20
