"""Editor desk (issue 13): queue rows and filters, bulk approve, auto-advance, honest words."""

from __future__ import annotations

import re
from typing import Any

from kurzum.storage import audit
from kurzum.storage.tables import Article, SummaryVersion

from .conftest import PageWorld, csrf_of


def _queue(client: Any, query: str = "") -> str:
    response = client.get(f"/editor{query}")
    assert response.status_code == 200, response.text
    return response.text


def test_queue_rows_show_bullets_local_time_and_flags(
    page_world: PageWorld, logged_in: Any
) -> None:
    editor = logged_in("editor@example.org")
    html = _queue(editor)
    for bullet in page_world.bullets("f1"):
        assert bullet[:40] in html  # the bullets are in the row
    assert 'class="kz-keys"' in html and "<kbd>j</kbd>" in html  # keyboard help
    sid = page_world.status("f1")["summary"]["id"]
    version = page_world.build.session.get(SummaryVersion, sid)
    local = version.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Zurich"))
    assert f"{local:%H:%M}" in html  # the publication's time zone, not UTC


def test_queue_filters_reported_held_and_failed(page_world: PageWorld, logged_in: Any) -> None:
    editor = logged_in("editor@example.org")
    assert "Nichts zu prüfen." in _queue(editor, "?reported=1")
    page = page_world.client.get("/p/blick/f1").text
    sid = re.search(r'name="summary_id" value="(\d+)"', page)
    assert sid
    page_world.client.post(
        "/p/blick/f1/report",
        data={"csrf_token": csrf_of(page), "summary_id": sid.group(1), "bullet": "0"},
    )
    reported = _queue(editor, "?reported=1")
    assert "Artikel f1" in reported and "Artikel p1" not in reported
    assert "Nichts zu prüfen." in _queue(editor, "?held=1")  # both were published
    session = page_world.build.session
    article = session.query(Article).filter_by(external_id="f1").one()
    article.status, article.error = "failed", "backend down"
    session.commit()
    failed = _queue(editor, "?failed=1")
    assert 'data-testid="failed"' in failed and "backend down" in failed


def test_bulk_approve_asks_once_skips_warnings_and_logs_each(
    page_world: PageWorld, logged_in: Any
) -> None:
    editor = logged_in("editor@example.org")
    html = _queue(editor)
    ids = re.findall(r'name="ids" value="(\d+)"', html)
    assert len(ids) == 2
    csrf = csrf_of(html)
    asked = editor.post("/editor/bulk-approve", data={"csrf_token": csrf, "ids": ids})
    assert asked.status_code == 200 and "2 Zusammenfassungen ohne Prüfhinweise" in asked.text
    session = page_world.build.session
    assert session.query(SummaryVersion).filter_by(reviewed=True).count() == 0  # only asked
    done = editor.post(
        "/editor/bulk-approve",
        data={"csrf_token": csrf, "ids": ids, "confirm": "1"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and "approved=2" in done.headers["location"]
    assert "2 Zusammenfassungen freigegeben." in editor.get(done.headers["location"]).text
    session.expire_all()
    for sid in ids:
        assert session.get(SummaryVersion, int(sid)).reviewed
    approvals = [
        e
        for a in session.query(Article).all()
        for e in audit.history(session, a.id)
        if e.action == "summary.approved"
    ]
    assert len(approvals) == 2  # one audit entry per item


def test_decision_opens_the_next_item_and_reload_is_safe(
    page_world: PageWorld, logged_in: Any
) -> None:
    editor = logged_in("editor@example.org")
    html = _queue(editor)
    first, second = re.findall(r'data-id="(\d+)"', html)
    page = editor.get(f"/editor/summaries/{first}").text
    assert f'href="/editor/summaries/{second}" rel="next"' in page
    done = editor.post(
        f"/editor/summaries/{first}/approve",
        data={"csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/editor/summaries/{second}?")
    following = editor.get(done.headers["location"])
    assert "freigegeben. Weiter mit dem nächsten Eintrag." in following.text
    assert editor.get(done.headers["location"]).status_code == 200  # a reload is just a GET
    last = editor.post(
        f"/editor/summaries/{second}/reject",
        data={"csrf_token": csrf_of(following.text)},
        follow_redirects=False,
    )
    assert last.headers["location"].startswith("/editor?")  # queue empty: back to the queue


def test_editor_notes_and_plurals_in_the_ui_language(page_world: PageWorld, logged_in: Any) -> None:
    page_world.put("short", premium=False, body="Die Stadt Luzern baut eine Brücke.")
    editor = logged_in("editor@example.org")
    sid = page_world.status("short")["summary"]["id"]
    german = editor.get(f"/editor/summaries/{sid}").text
    assert "Nur 1 von 3 Punkten" in german and "only 1 of 3" not in german
    french = editor.get(f"/editor/summaries/{sid}?lang=fr").text
    assert "Seulement 1 points sur 3" in french or "Seulement 1 point" in french
    english = editor.get("/editor?lang=en").text
    assert re.search(r"\d+ items?<", english)


def test_footer_claims_no_review_and_labels_follow_the_state(
    page_world: PageWorld, make_client: Any
) -> None:
    html = make_client().get("/p/blick/f1").text
    assert "redaktionell geprüft." not in html  # the old blanket claim is gone
    assert 'data-testid="summary-label">KI-generiert<' in html  # unreviewed: no review claimed


def test_reports_are_throttled_per_client(page_world: PageWorld, make_client: Any) -> None:
    from kurzum.storage import summaries

    client = make_client()
    page = client.get("/p/blick/f1").text
    sid = re.search(r'name="summary_id" value="(\d+)"', page)
    assert sid
    data = {"csrf_token": csrf_of(page), "summary_id": sid.group(1), "bullet": "0"}
    for _ in range(summaries.REPORTS_PER_CLIENT):
        ok = client.post("/p/blick/f1/report", data=data, follow_redirects=False)
        assert "throttled" not in ok.headers["location"]
    refused = client.post("/p/blick/f1/report", data=data, follow_redirects=False)
    assert "throttled=1" in refused.headers["location"]
    assert "genug Meldungen" in client.get(refused.headers["location"]).text
    api = client.post(f"/api/v1/reader/summaries/{sid.group(1)}/reports", json={"bullet": 0})
    assert api.status_code == 429
