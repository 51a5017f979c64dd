"""An editor clears a queue of 20 summaries with the keyboard only (issue 13, measured).

15 approved with ``a``, 3 edited (``e``, keys, Ctrl+Enter = save and approve), 2 rejected with
``r``. The test counts page loads (main-frame navigations), requests and keystrokes per item and
the wall time, writes them to test-artifacts/editor-desk.json, and takes the screenshots of the
queue and the review page (desktop 1280 and phone 390) that docs/screenshots keeps.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'"
)
from playwright.sync_api import BrowserContext, Page, expect

from kurzum.storage import articles as repo

from .conftest import ROOT, Live

pytestmark = pytest.mark.browser

ITEMS = 20
APPROVE, EDIT, REJECT = 15, 3, 2
DOCS = ROOT / "docs" / "screenshots"
TOWNS = ("Luzern", "Bern", "Basel", "Chur", "Sitten", "Thun", "Aarau", "Zug", "Olten", "Biel")


def _body(n: int) -> str:
    town = TOWNS[n % len(TOWNS)]
    return (
        f"Die Stadt {town} baut bis 2028 eine neue Brücke über den Fluss. "
        f"Der Stadtrat hat den Kredit von {20 + n} Millionen Franken am Dienstag bewilligt.\n\n"
        f"Die Brücke soll {100 + n} Meter lang werden und Velos und Fussgängern dienen. "
        "Die Bauarbeiten beginnen im Frühling, der Verkehr wird umgeleitet.\n\n"
        f"Gegen das Projekt gab es {n + 2} Einsprachen von Anwohnern. "
        "Der Stadtpräsident spricht von einem Jahrhundertprojekt für die ganze Region."
    )


def _fill_queue(live: Live) -> None:
    """A review-before-publish publication with 20 machine summaries waiting as drafts."""
    with live.session_factory() as session:
        pub = repo.create_publication(
            session, slug="desk", name="Desk", language="de", review_policy="review-before-publish"
        )
        _, key = repo.create_api_key(session, pub)
        session.commit()
    with httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {key}"}) as api:
        for n in range(ITEMS):
            response = api.put(
                f"/api/v1/publisher/articles/desk-{n:02d}",
                json={"title": f"Neue Brücke Nummer {n + 1}", "body": _body(n)},
            )
            assert response.status_code in (200, 201), response.text
    live.drain()


def _log_in(page: Page, live: Live) -> None:
    account = live.account("editor")
    page.goto(live.url + "/account/login?next=/editor")
    page.get_by_label("E-Mail-Adresse").fill(account.email)
    page.get_by_label("Passwort").fill(account.password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page).to_have_url(live.url + "/editor")


class Meter:
    """Counts main-frame navigations, requests and keystrokes."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.loads = 0
        self.requests = 0
        self.documents = 0
        self.keys = 0
        self.clicks = 0
        page.on("framenavigated", self._navigated)
        page.on("request", self._request)

    def _navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame:
            self.loads += 1

    def _request(self, request: Any) -> None:
        self.requests += 1
        if request.resource_type == "document":
            self.documents += 1

    def press(self, key: str) -> None:
        self.keys += 1
        self.page.keyboard.press(key)

    def decide(self, key: str) -> None:
        """A decision key: one form post, then the next item (or the queue) loads."""
        with self.page.expect_navigation():
            self.press(key)


def _shot(page: Page, name: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / f"{name}.png"))


def test_editor_clears_twenty_items_with_the_keyboard(live: Live, context: BrowserContext) -> None:
    _fill_queue(live)
    page = context.new_page()
    _log_in(page, live)
    page.goto(live.url + "/editor?publication=desk")
    rows = page.locator("[data-row]")
    expect(rows).to_have_count(ITEMS)
    _shot(page, "editor-queue-desktop", 1280)
    _shot(page, "editor-queue-phone", 390)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live.url + "/editor?publication=desk")  # a fresh start for the measurement

    meter = Meter(page)
    started = time.perf_counter()
    expect(page.locator("[data-row].is-current")).to_have_count(1)  # focus is on row 1
    meter.press("j")
    meter.press("k")
    with page.expect_navigation():
        meter.press("Enter")
    expect(page.locator("form[data-decision='a']")).to_be_visible()
    _shot(page, "editor-review-desktop", 1280)
    _shot(page, "editor-review-phone", 390)
    page.set_viewport_size({"width": 1280, "height": 900})

    plan = ["a"] * APPROVE + ["e"] * EDIT + ["r"] * REJECT
    # Mix them the way a queue comes: an edit and a rejection every few items.
    plan = [plan[i] for i in (0, 1, 2, 15, 3, 4, 5, 18, 6, 7, 16, 8, 9, 10, 19, 11, 12, 17, 13, 14)]
    for decision in plan:
        if decision == "e":
            meter.press("e")  # focus bullet 1, cursor at its end
            for _ in range(3):
                meter.press("Tab")  # to bullet 3 (past the live-check button, not clicked)
                if page.evaluate("document.activeElement.id") == "kz-bullet-3":
                    break
            meter.press("Control+a")
            meter.press("Delete")  # drop bullet 3: a checked edit with two bullets
            meter.decide("Control+Enter")  # save and approve; the next item opens
        else:
            meter.decide(decision)
    expect(page.get_by_text("Nichts zu prüfen.")).to_be_visible()
    wall = time.perf_counter() - started

    figures = {
        "items": ITEMS,
        "approved": APPROVE,
        "edited": EDIT,
        "rejected": REJECT,
        "page_loads": meter.loads,
        "page_loads_per_item": round(meter.loads / ITEMS, 2),
        "requests": meter.requests,
        "requests_per_item": round(meter.requests / ITEMS, 2),
        "document_requests": meter.documents,
        "keystrokes": meter.keys,
        "keystrokes_per_item": round(meter.keys / ITEMS, 2),
        "mouse_clicks": meter.clicks,
        "wall_seconds": round(wall, 2),
    }
    out = ROOT / "test-artifacts" / "editor-desk.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures))
    # The queue page plus one load per item (the last decision lands on the empty queue).
    assert meter.loads <= ITEMS + 1
    assert meter.clicks == 0

    with live.session_factory() as session:
        from sqlalchemy import select

        from kurzum.storage.tables import Article, SummaryVersion

        states = session.execute(
            select(SummaryVersion.state, SummaryVersion.method, SummaryVersion.reviewed)
            .join(Article)
            .where(Article.external_id.like("desk-%"))
        ).all()
    published = [s for s in states if s.state == "published"]
    assert len(published) == APPROVE + EDIT and all(s.reviewed for s in published)
    assert sum(1 for s in published if s.method == "editor") == EDIT
    assert sum(1 for s in states if s.state == "rejected") == REJECT
