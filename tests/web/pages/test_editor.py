"""Editor pages: access, queue with flags and filters, review page, live check, decisions."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from .conftest import PageWorld, csrf_of

REVIEWED = "KI-generiert, redaktionell geprüft"


def summary_id(world: PageWorld, external_id: str) -> int:
    sid: int = world.status(external_id)["summary"]["id"]
    return sid


def review(client: TestClient, sid: int) -> tuple[str, str]:
    """The review page's HTML and its CSRF token."""
    response = client.get(f"/editor/summaries/{sid}")
    assert response.status_code == 200, response.text
    return response.text, csrf_of(response.text)


def post(client: TestClient, url: str, csrf: str, **fields: Any) -> Any:
    return client.post(url, data={"csrf_token": csrf, **fields}, follow_redirects=False)


def test_editor_pages_need_an_editor(
    page_world: PageWorld, make_client: Any, logged_in: Any
) -> None:
    anon = make_client().get("/editor", follow_redirects=False)
    assert anon.status_code == 303
    assert anon.headers["location"] == "/account/login?next=/editor"
    reader = logged_in("sub@example.org").get("/editor")
    assert reader.status_code == 403
    assert "Dafür fehlt dir die Berechtigung." in reader.text
    sid = summary_id(page_world, "p1")
    assert logged_in("sub@example.org").get(f"/editor/summaries/{sid}").status_code == 403


def test_queue_lists_unreviewed_summaries_with_filters(
    page_world: PageWorld, logged_in: Any
) -> None:
    editor = logged_in("editor@example.org")
    html = editor.get("/editor").text
    assert 'data-testid="queue"' in html
    assert "Artikel p1" in html and "Artikel f1" in html
    assert html.count("data-row ") == 2  # one row per summary to review
    assert "Artikel f1" not in editor.get("/editor?language=fr").text
    assert "Nichts zu prüfen." in editor.get("/editor?state=rejected").text
    assert "Artikel p1" in editor.get("/editor?state=published&publication=blick&age=7d").text
    assert editor.get("/editor?state=bogus").status_code == 422


def test_review_page_shows_sources_bullets_and_history(
    page_world: PageWorld, logged_in: Any
) -> None:
    editor = logged_in("editor@example.org")
    html, _ = review(editor, summary_id(page_world, "p1"))
    for number in (1, 2, 3):
        assert f'<textarea id="kz-bullet-{number}" name="bullet"' in html
        assert f'id="kz-src-{number}"' in html
    assert "kz-show-sources" in html
    assert 'data-testid="history"' in html
    assert "Zusammenfassung erzeugt (Version 1)" in html
    assert "System" in html


def test_live_check_flags_an_invented_number(page_world: PageWorld, logged_in: Any) -> None:
    editor = logged_in("editor@example.org")
    sid = summary_id(page_world, "p1")
    _, csrf = review(editor, sid)
    bullets = page_world.bullets("p1")
    edited = [*bullets[:2], "Es starben 42 Soldaten.", ""]
    response = editor.post(
        f"/editor/summaries/{sid}/check", json={"bullets": edited}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is False
    assert [(i["bullet"], i["kind"], i["text"]) for i in body["issues"]] == [(2, "number", "42")]
    assert "«42»" in body["issues"][0]["message"]
    fine = editor.post(
        f"/editor/summaries/{sid}/check", json={"bullets": bullets}, headers={"X-CSRF-Token": csrf}
    )
    assert fine.json()["ok"] is True


def test_live_check_needs_csrf_and_an_editor(page_world: PageWorld, logged_in: Any) -> None:
    sid = summary_id(page_world, "p1")
    editor = logged_in("editor@example.org")
    refused = editor.post(f"/editor/summaries/{sid}/check", json={"bullets": ["x"]})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    reader = logged_in("sub@example.org")
    csrf = csrf_of(reader.get("/").text)
    denied = reader.post(
        f"/editor/summaries/{sid}/check", json={"bullets": ["x"]}, headers={"X-CSRF-Token": csrf}
    )
    assert denied.status_code == 403


def test_edit_warn_override_needed_then_fix_and_approve_changes_the_label(
    page_world: PageWorld, logged_in: Any
) -> None:
    editor = logged_in("editor@example.org")
    sid = summary_id(page_world, "p1")
    _, csrf = review(editor, sid)
    bullets = page_world.bullets("p1")
    saved = post(
        editor,
        f"/editor/summaries/{sid}/save",
        csrf,
        bullet=[bullets[0], bullets[1], "Es starben 42 Soldaten."],
    )
    assert saved.status_code == 303
    new_sid = int(re.findall(r"/editor/summaries/(\d+)", saved.headers["location"])[0])
    assert new_sid != sid
    assert "Gespeichert." in editor.get(saved.headers["location"]).text
    html, csrf = review(editor, new_sid)
    assert "Nicht im Artikel belegt (Zahl): «42»" in html
    assert 'name="override"' in html
    queue = editor.get("/editor").text
    assert "1 Prüfhinweis<" in queue  # a CLDR plural, not "Prüfhinweis(e)"
    assert queue.index(f"/editor/summaries/{new_sid}") < queue.index("Artikel f1")  # problems first
    assert '<del class="kz-del">' in html and '<ins class="kz-add">' in html  # history diff
    refused = post(editor, f"/editor/summaries/{new_sid}/approve", csrf)
    assert refused.status_code == 303  # post/redirect/get even when refused: reload is safe
    assert "refused=needs_override" in refused.headers["location"]
    assert (
        "Nicht freigegeben: Es gibt Prüfhinweise." in editor.get(refused.headers["location"]).text
    )
    fixed = post(
        editor,
        f"/editor/summaries/{new_sid}/save",
        csrf,
        bullet=[bullets[0], bullets[1], "Nordkorea liefert Russland seit 2022 Munition."],
    )
    final_sid = int(re.findall(r"/editor/summaries/(\d+)", fixed.headers["location"])[0])
    html, csrf = review(editor, final_sid)
    assert "Nicht im Artikel belegt" not in html
    approved = post(editor, f"/editor/summaries/{final_sid}/approve", csrf)
    assert approved.status_code == 303
    html = editor.get(approved.headers["location"]).text  # auto-advance: the next item
    assert "«Artikel p1» freigegeben." in html
    reader = logged_in("sub@example.org").get("/p/blick/p1").text
    assert REVIEWED in reader
    assert "Nordkorea liefert Russland seit 2022 Munition." in reader


def test_override_with_reason_publishes_and_is_logged(
    page_world: PageWorld, logged_in: Any
) -> None:
    editor = logged_in("editor@example.org")
    sid = summary_id(page_world, "f1")
    _, csrf = review(editor, sid)
    saved = post(
        editor, f"/editor/summaries/{sid}/save", csrf, bullet=["Die Brücke kostet 99 Franken."]
    )
    new_sid = int(re.findall(r"/editor/summaries/(\d+)", saved.headers["location"])[0])
    ok = post(
        editor,
        f"/editor/summaries/{new_sid}/approve",
        csrf,
        override="1",
        reason="Quelle: Stadtrat",
    )
    assert ok.status_code == 303
    html, _ = review(editor, new_sid)
    assert "trotz Prüfhinweisen freigegeben: Quelle: Stadtrat" in html
    assert REVIEWED in logged_in("reader@example.org").get("/p/blick/f1").text


def test_reject_and_retract_take_the_summary_off_the_page(
    page_world: PageWorld, logged_in: Any, make_client: Any
) -> None:
    editor = logged_in("editor@example.org")
    sid = summary_id(page_world, "f1")
    _, csrf = review(editor, sid)
    refused = post(editor, f"/editor/summaries/{sid}/retract", csrf)  # no reason given
    assert "refused=retract_reason" in refused.headers["location"]
    assert 'data-testid="bullets"' in make_client().get("/p/blick/f1").text  # still served
    done = post(editor, f"/editor/summaries/{sid}/retract", csrf, reason="Falsche Zahl")
    assert done.status_code == 303
    page = make_client().get("/p/blick/f1").text
    assert 'data-testid="bullets"' not in page
    assert "Für diesen Artikel gibt es keine Zusammenfassung." in page
    html, csrf = review(editor, sid)
    assert "Zurückgezogen" in html
    assert "zurückgezogen: Falsche Zahl" in html  # the reason is in the history
    again = post(editor, f"/editor/summaries/{sid}/retract", csrf, reason="nochmals")
    assert again.status_code == 303
    assert "Das geht in diesem Zustand nicht mehr." in editor.get(again.headers["location"]).text


def test_regenerate_queues_a_new_version(page_world: PageWorld, logged_in: Any) -> None:
    editor = logged_in("editor@example.org")
    sid = summary_id(page_world, "f1")
    _, csrf = review(editor, sid)
    response = post(editor, f"/editor/summaries/{sid}/regenerate", csrf)
    assert response.status_code == 303
    assert (
        "Eine neue Zusammenfassung wird erstellt." in editor.get(response.headers["location"]).text
    )
    page_world.worker.drain()
    assert summary_id(page_world, "f1") != sid


def test_editor_form_without_csrf_is_refused(page_world: PageWorld, logged_in: Any) -> None:
    editor = logged_in("editor@example.org")
    sid = summary_id(page_world, "f1")
    response = editor.post(f"/editor/summaries/{sid}/retract", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert "Das Formular ist abgelaufen" in response.text
