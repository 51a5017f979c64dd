"""What can be wrong with a model's answer, described in the article's language.

The same description goes into the retry prompt (in the article's language, so the prompt
does not pull the model towards another language) and, in English, into the summary's note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kurzum.models import Language

ProblemCode = Literal[
    "format", "count", "empty", "too_long", "language", "eszett", "duplicate", "unsupported"
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason to reject an answer. ``bullet`` and ``other`` are 0-based bullet indexes;
    ``span`` is the offending text (or the detected language); ``number``/``limit`` are the
    measured and allowed counts."""

    code: ProblemCode
    bullet: int | None = None
    span: str = ""
    number: int = 0
    limit: int = 0
    other: int | None = None
    kind: str = ""  # for "unsupported": number, date or name


_LANGUAGE_NAMES: dict[Language, dict[str, str]] = {
    "de": {"de": "Deutsch", "fr": "Französisch", "en": "Englisch"},
    "fr": {"de": "allemand", "fr": "français", "en": "anglais"},
    "en": {"de": "German", "fr": "French", "en": "English"},
}

_KINDS: dict[Language, dict[str, str]] = {
    "de": {"number": "Zahl", "date": "Datum", "name": "Name"},
    "fr": {"number": "nombre", "date": "date", "name": "nom"},
    "en": {"number": "number", "date": "date", "name": "name"},
}

# {b}/{o}: 1-based bullet numbers; {lang}/{want}: language names; {kind}: localized kind.
_TEMPLATES: dict[Language, dict[ProblemCode, str]] = {
    "de": {
        "format": 'Die Antwort war kein gültiges JSON der Form {{"bullets": [...]}} ({span}).',
        "count": "Die Antwort hat {number} Punkte; verlangt sind genau {limit}.",
        "empty": "Punkt {b} ist leer.",
        "too_long": "Punkt {b} hat {number} Zeichen; erlaubt sind höchstens {limit}.",
        "language": "Die Punkte sind auf {lang}; schreibe sie auf {want}.",
        "eszett": "Punkt {b} enthält «ß», der Artikel schreibt «ss» (Schweizer Rechtschreibung).",
        "duplicate": "Punkt {b} wiederholt Punkt {o}.",
        "unsupported": "Punkt {b}: {kind} «{span}» steht nicht im {scope}.",
    },
    "fr": {
        "format": 'La réponse n\'est pas un JSON valide de forme {{"bullets": [...]}} ({span}).',
        "count": "La réponse contient {number} points ; il en faut exactement {limit}.",
        "empty": "Le point {b} est vide.",
        "too_long": "Le point {b} compte {number} caractères ; {limit} au maximum.",
        "language": "Les points sont en {lang} ; écris-les en {want}.",
        "eszett": "Le point {b} contient « ß », absent de l'article.",
        "duplicate": "Le point {b} répète le point {o}.",
        "unsupported": "Point {b} : « {span} » ({kind}) ne figure pas dans {scope}.",
    },
    "en": {
        "format": 'The answer was not valid JSON of the form {{"bullets": [...]}} ({span}).',
        "count": "The answer has {number} bullets; exactly {limit} are required.",
        "empty": "Bullet {b} is empty.",
        "too_long": "Bullet {b} has {number} characters; at most {limit} are allowed.",
        "language": "The bullets are in {lang}; write them in {want}.",
        "eszett": 'Bullet {b} uses "ß", but the article writes "ss" (Swiss spelling).',
        "duplicate": "Bullet {b} repeats bullet {o}.",
        "unsupported": 'Bullet {b}: {kind} "{span}" does not occur in {scope}.',
    },
}

_SCOPES: dict[Language, tuple[str, str]] = {  # (whole article, the bullet's source sentence)
    "de": ("Artikel", "Quellsatz dieses Punktes"),
    "fr": ("l'article", "sa phrase source"),
    "en": ("the article", "its source sentence"),
}


def describe(problem: Problem, language: Language, *, want: Language, scoped: bool = False) -> str:
    """One sentence naming the problem, in ``language``; ``want`` is the required language,
    ``scoped`` says the facts must come from the bullet's own source sentence (hybrid)."""
    names = _LANGUAGE_NAMES[language]
    return _TEMPLATES[language][problem.code].format(
        b=(problem.bullet or 0) + 1,
        o=(problem.other or 0) + 1,
        span=problem.span,
        number=problem.number,
        limit=problem.limit,
        lang=names.get(problem.span, problem.span),
        want=names[want],
        kind=_KINDS[language].get(problem.kind, problem.kind),
        scope=_SCOPES[language][1 if scoped else 0],
    )
