"""How bullets and faithfulness reports are stored: JSON columns of the summaries table."""

from __future__ import annotations

from typing import Any

from kurzum.models import Bullet, FaithfulnessReport, Source


def bullets_to_json(bullets: tuple[Bullet, ...]) -> list[dict[str, Any]]:
    """Bullets with provenance as JSON-ready dicts (stored in the summaries table)."""
    return [
        {
            "text": b.text,
            "sources": [
                {"sentence": s.sentence, "start": s.start, "end": s.end} for s in b.sources
            ],
        }
        for b in bullets
    ]


def bullets_from_json(data: list[Any]) -> tuple[Bullet, ...]:
    """Inverse of :func:`bullets_to_json`."""
    return tuple(
        Bullet(
            str(b["text"]),
            tuple(
                Source(int(s["sentence"]), int(s["start"]), int(s["end"]))
                for s in b.get("sources", [])
            ),
        )
        for b in data
    )


def report_to_json(report: FaithfulnessReport) -> dict[str, Any]:
    """A faithfulness report as a JSON-ready dict."""
    return {
        "ok": report.ok,
        "checked": report.checked,
        "issues": [
            {"bullet": i.bullet, "kind": i.kind, "text": i.text, "start": i.start, "end": i.end}
            for i in report.issues
        ],
    }
