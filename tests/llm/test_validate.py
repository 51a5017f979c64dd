"""The gate: count, length, language, "ß", duplicates and faithfulness (whole or per source)."""

from __future__ import annotations

from kurzum.llm.problems import Problem
from kurzum.llm.validate import validate
from kurzum.models import Article

ARTICLE = Article(
    title="Neue Velobrücke in Zürich",
    lead="Der Zürcher Stadtrat will bis 2027 eine neue Velobrücke über die Limmat bauen.",
    paragraphs=(
        "Die Brücke soll 180 Meter lang werden und 12 Millionen Franken kosten. "
        "Stadträtin Simone Brander (45) sagte, die Strasse sei heute zu gefährlich.",
    ),
    language="de",
)
GOOD = [
    "Der Zürcher Stadtrat will bis 2027 eine Velobrücke über die Limmat bauen.",
    "Die Brücke soll 180 Meter lang werden und 12 Millionen Franken kosten.",
    "Stadträtin Simone Brander (45) hält die Strasse heute für zu gefährlich.",
]


def _codes(problems: tuple[Problem, ...]) -> list[str]:
    return [p.code for p in problems]


def _validate(bullets: list[str], **kw: object) -> tuple[Problem, ...]:
    args: dict[str, object] = {"article": ARTICLE, "language": "de", "count": 3, "max_chars": 120}
    args.update(kw)
    return validate(bullets, **args)  # type: ignore[arg-type]


def test_good_bullets_pass() -> None:
    assert _validate(GOOD) == ()


def test_count() -> None:
    assert Problem("count", number=2, limit=3) in _validate(GOOD[:2])


def test_empty_and_too_long() -> None:
    long = GOOD[1][:-1] + ", und sie soll die grösste Brücke der Stadt werden, sagen die Planer."
    problems = _validate([GOOD[0], "", long])
    assert Problem("empty", bullet=1) in problems
    assert Problem("too_long", bullet=2, number=len(long), limit=120) in problems


def test_wrong_language() -> None:
    english = [
        "The city council wants to build a new bicycle bridge.",
        "The bridge is expected to be long and expensive.",
        "Critics say the road is too dangerous today.",
    ]
    assert Problem("language", span="en") in _validate(english)


def test_too_little_text_is_not_judged_for_language() -> None:
    assert "language" not in _codes(_validate(["Ja.", "Nein.", "Doch."]))


def test_eszett_only_where_the_article_has_none() -> None:
    eszett = [*GOOD[:2], GOOD[2].replace("Strasse", "Straße")]
    assert Problem("eszett", bullet=2) in _validate(eszett)
    german = Article(title=None, lead=None, paragraphs=(ARTICLE.text.replace("Strasse", "Straße"),))
    assert "eszett" not in _codes(_validate(eszett, article=german))


def test_duplicates() -> None:
    again = GOOD[1].replace("kosten.", "kosten sollen.")
    problems = _validate([GOOD[0], GOOD[1], again])
    assert Problem("duplicate", bullet=2, other=1) in problems


def test_invented_number_and_name_against_the_article() -> None:
    bullets = [
        GOOD[0].replace("2027", "2029"),
        GOOD[1],
        GOOD[2].replace("Simone Brander", "Hans Zwahlen"),
    ]
    unsupported = {(p.bullet, p.span) for p in _validate(bullets) if p.code == "unsupported"}
    assert any(bullet == 0 and "2029" in span for bullet, span in unsupported)
    assert any(bullet == 2 and "Zwahlen" in span for bullet, span in unsupported)


def test_scoped_check_is_per_source_sentence() -> None:
    """In hybrid, a number that is in the article but not in the bullet's own source fails."""
    sentences = [ARTICLE.lead or "", *ARTICLE.paragraphs[0].split(". ", 1)]
    scopes = [Article(title=None, lead=None, paragraphs=(s,), language="de") for s in sentences]
    borrowed = [GOOD[0][:-1] + " für 12 Millionen Franken.", GOOD[1], GOOD[2]]
    assert _validate(borrowed) == ()  # fine against the whole article
    problems = _validate(borrowed, scopes=scopes)
    assert {(p.code, p.bullet) for p in problems} == {("unsupported", 0)}
    assert any(p.kind == "number" and "12" in p.span for p in problems)
