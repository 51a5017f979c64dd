"""Word diffs of bullet versions for the review history."""

from __future__ import annotations

from kurzum.web.pages.diff import DiffPart, diff_bullets, diff_words


def test_changed_number_is_one_removed_and_one_added_part() -> None:
    parts = diff_words("Sechs Soldaten starben.", "Sieben Soldaten starben.")
    assert parts == (
        DiffPart("removed", "Sechs"),
        DiffPart("added", "Sieben"),
        DiffPart("same", " Soldaten starben."),
    )


def test_diff_parts_rebuild_both_versions() -> None:
    old, new = "Kim Jong Un (40) hofft auf Lohn.", "Kim Jong Un (40) erhofft sich eine Belohnung."
    parts = diff_words(old, new)
    assert "".join(p.text for p in parts if p.kind != "added") == old
    assert "".join(p.text for p in parts if p.kind != "removed") == new


def test_bullet_added_or_removed_and_unchanged() -> None:
    diffs = diff_bullets(["a b", "c"], ["a b", "c", "d e"])
    assert [d.changed for d in diffs] == [False, False, True]
    assert diffs[2].parts == (DiffPart("added", "d e"),)
    assert diff_bullets(["x"], [])[0].parts == (DiffPart("removed", "x"),)
