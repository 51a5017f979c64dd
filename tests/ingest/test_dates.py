"""One date reader for every form the archives and CMSs write (issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kurzum.archive.records import Record, parse_line
from kurzum.ingest.dates import parse_date

CEST = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-08-28 07:35:03+02", datetime(2024, 8, 28, 7, 35, 3, tzinfo=CEST)),
        ("2024-10-15 21:01:17+02:00", datetime(2024, 10, 15, 21, 1, 17, tzinfo=CEST)),
        (
            "2024-04-22 15:26:46.863186+00:00",
            datetime(2024, 4, 22, 15, 26, 46, 863186, tzinfo=UTC),
        ),
        ("2023-04-28 00:00:00", datetime(2023, 4, 28, tzinfo=UTC)),
        (
            "2025-10-21 06:00:00-04:00",
            datetime(2025, 10, 21, 6, tzinfo=timezone(timedelta(hours=-4))),
        ),
        ("2024-10-05T12:00Z", datetime(2024, 10, 5, 12, tzinfo=UTC)),
        ("2024-10-05", datetime(2024, 10, 5, tzinfo=UTC)),
        ("2024-10", datetime(2024, 10, 1, tzinfo=UTC)),
        ("2024", datetime(2024, 1, 1, tzinfo=UTC)),
        ("01/01/2010", datetime(2010, 1, 1, tzinfo=UTC)),
        ("00/10/2018", datetime(2018, 10, 1, tzinfo=UTC)),  # day unknown: first of the month
        ("28.08.2024", datetime(2024, 8, 28, tzinfo=UTC)),
    ],
)
def test_every_archive_form_is_read(text: str, expected: datetime) -> None:
    parsed = parse_date(text)
    assert parsed.value == expected
    assert parsed.note is None


@pytest.mark.parametrize("text", ["gestern", "31/02/2010", "2024-13", "28 août 2024"])
def test_an_unreadable_date_is_unknown_with_a_note(text: str) -> None:
    parsed = parse_date(text)
    assert parsed.value is None
    assert parsed.note is not None and "unreadable date" in parsed.note


def test_no_date_is_no_note() -> None:
    assert parse_date(None).note is None
    assert parse_date("  ").value is None


def test_archive_line_with_an_unreadable_date_is_kept_without_date() -> None:
    line = '{"id": "x1", "lang": "de", "text": "Der Rat tagte am Montag.", "date": "irgendwann"}'
    record = parse_line(line, 1, "de")
    assert isinstance(record, Record)
    assert record.data.published_at is None
    assert record.note is not None and "irgendwann" in record.note


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2024-08-28 07:35:03+02", datetime(2024, 8, 28, 5, 35, 3, tzinfo=UTC)),
        ("00/10/2018", datetime(2018, 10, 1, tzinfo=UTC)),
        ("2024-10", datetime(2024, 10, 1, tzinfo=UTC)),
    ],
)
def test_archive_line_dates_in_dev_data_forms(date: str, expected: datetime) -> None:
    line = f'{{"id": "x1", "lang": "de", "text": "Der Rat tagte.", "date": "{date}"}}'
    record = parse_line(line, 1, "de")
    assert isinstance(record, Record)
    assert record.data.published_at == expected
    assert record.note is None


def test_the_api_schema_reads_the_same_forms_and_refuses_garbage() -> None:
    from pydantic import ValidationError

    from kurzum.usecases.inputs import ArticleIn

    item = ArticleIn(body="Text.", published_at="2024-08-28 07:35:03+02")  # type: ignore[arg-type]
    assert item.published_at == datetime(2024, 8, 28, 7, 35, 3, tzinfo=CEST)
    assert ArticleIn(body="T.", published_at="00/10/2018").published_at == datetime(  # type: ignore[arg-type]
        2018, 10, 1, tzinfo=UTC
    )
    with pytest.raises(ValidationError):
        ArticleIn(body="Text.", published_at="gestern")  # type: ignore[arg-type]
