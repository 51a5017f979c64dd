"""Language identification for de/fr/en with py3langid, whose model ships inside its wheel.

The identifier is restricted to the languages a newsroom in our markets is likely to send, so
that Italian or Spanish copy is recognised as such (and refused) instead of being forced into
German, French or English. The model loads once, on first use (~0.4 s).
"""

from __future__ import annotations

from functools import cache
from typing import Protocol, cast

from kurzum.errors import EmptyInputError, UnsupportedLanguageError
from kurzum.models import LANGUAGES, Language

__all__ = ["SAMPLE_CHARS", "detect_language", "load_model"]

# The candidate set: ours plus the neighbours we must recognise to refuse them.
CANDIDATES = ("de", "fr", "en", "it", "es", "nl", "pt", "rm", "lb", "da", "sv", "pl")
# Enough text for a stable decision on news copy; identification time grows with the length.
SAMPLE_CHARS = 2000
# Fewer letters than this is too little evidence (a headline-length string still works).
MIN_LETTERS = 12


class _Identifier(Protocol):
    def classify(self, text: str) -> tuple[str, float]: ...


@cache
def _identifier() -> _Identifier:
    """Load the bundled py3langid model once, restricted to ``CANDIDATES``."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    known = set(identifier.nb_classes)
    identifier.set_languages([code for code in CANDIDATES if code in known])
    return cast(_Identifier, identifier)


def load_model() -> None:
    """Load the model now (batch runs call this before timing the first article)."""
    _identifier()


def detect_language(text: str) -> Language:
    """The language of ``text`` (de, fr or en), judged on its first ``SAMPLE_CHARS`` characters.

    Raises ``UnsupportedLanguageError`` for any other language and ``EmptyInputError`` when the
    text has too few letters to tell.
    """
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        raise EmptyInputError("too little text to identify its language")
    code, _probability = _identifier().classify(sample)
    if code not in LANGUAGES:
        raise UnsupportedLanguageError(
            f"the text looks like language {code!r}; kurzum summarizes de, fr and en "
            "(pass the language explicitly to override)"
        )
    return code
