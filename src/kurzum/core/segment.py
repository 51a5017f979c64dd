"""Sentence segmentation for German, French and English news, with offsets into ``Article.text``.

A rule splitter rather than a library: the tricky cases of Swiss news (``z. B.``, ``am 3.
Oktober``, ``2,5 Mio. Fr.``, «…» quotes) need project rules on top of any library, and the
rules alone are faster (a few µs per sentence) and fully tested in ``tests/core/test_segment.py``.
Blocks (lead and paragraphs) and line breaks are always hard boundaries.
"""

from __future__ import annotations

import re

from kurzum.core.abbreviations import ABBREVIATIONS
from kurzum.core.wordlists import word_set
from kurzum.models import PARAGRAPH_SEPARATOR, Article, Language, Sentence

__all__ = ["split_article", "split_text"]

# A candidate end: terminators, then closing quotes/brackets, then whitespace or the end.
# " ." covers scraped text with a space before the full stop (Daily Mail captions).
# (``[.!?…][.!?…]*`` rather than ``[.!?…]+``: a pattern opening with a single class lets the
# regex engine skip ahead to the next terminator instead of trying the pattern at every
# position of the line; same matches, half the instructions of the segmenter's scan.)
_CANDIDATE = re.compile(r"[.!?…][.!?…]*[»«“”\"'’)\]]*(?=\s|$)")
# A full stop glued to the next sentence by scraping ("über die Schweiz.Die Orkanböen").
# (The terminator first and the three letters before it checked after a match: a pattern
# opening with a look-behind is tried at every position of the line, five times slower.)
_GLUED = re.compile(r"[.!?](?=[A-ZÄÖÜ][a-zäöüéèàç])")
_GLUED_AFTER = re.compile(r"[a-zäöüéèàç]{3}")
_NON_SPACE = re.compile(r"\S")
_CLOSERS = "»«“”\"'’)]"
_NUMBER = re.compile(r"\d+(?:[.,'’]\d+)*")
_ACRONYM = re.compile(r"(?:\w{1,2}\.)+\w{1,2}")
_WORD = re.compile(r"[\w'’-]+")
_OPENERS = "«»„“”\"'‘‚‹›([–—-"

_MONTHS: dict[Language, frozenset[str]] = {
    "de": word_set(
        "Januar Jänner Februar März April Mai Juni Juli August September Oktober November Dezember"
    ),
    "fr": frozenset(),
    "en": frozenset(),
}
# German ordinals: "der 56. Geburtstag", "zum 3. Mal". Words that precede an ordinal number...
_ORDINAL_BEFORE = word_set(
    "am im vom zum beim bis ab seit der die das den dem des zur ihr ihre ihrem ihren sein seine "
    "seinem seinen seiner dieser diese diesem diesen jeder jede jedem nach vor um"
)
# ... and nouns that follow one ("3. Liga"), in case the preceding word is not in the list.
_ORDINAL_NOUNS = word_set(
    "Mal Platz Rang Stock Stelle Jahrhundert Jh Geburtstag Jahrestag Lebensjahr Runde Minute "
    "Spieltag Etappe Klasse Liga Tag Woche Monat Jahr Grad Kapitel Lauf Satz Durchgang Akt "
    "Sinfonie Symphonie Todestag Amtszeit Legislatur"
)


def split_text(text: str, language: Language = "de") -> list[tuple[int, int]]:
    """Split one block of text into sentence spans ``(start, end)``, stripped of whitespace."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        _split_line(line, offset, language, spans)
        offset += len(line) + 1
    return spans


def split_article(article: Article, language: Language = "de") -> tuple[Sentence, ...]:
    """All sentences of ``article.blocks`` with indices and offsets into ``article.text``."""
    sentences: list[Sentence] = []
    base = 0
    for block_index, block in enumerate(article.blocks):
        for start, end in split_text(block, language):
            sentences.append(
                Sentence(len(sentences), base + start, base + end, block[start:end], block_index)
            )
        base += len(block) + len(PARAGRAPH_SEPARATOR)
    return tuple(sentences)


def _split_line(line: str, offset: int, language: Language, spans: list[tuple[int, int]]) -> None:
    """Append the sentence spans of one line (no line breaks inside) to ``spans``."""
    ends = [m.end() for m in _CANDIDATE.finditer(line) if _is_boundary(line, m, language)]
    ends += [
        m.end()
        for m in _GLUED.finditer(line)
        if _GLUED_AFTER.fullmatch(line, m.start() - 3, m.start())
    ]
    ends.sort()
    start = 0
    for end in [*ends, len(line)]:
        piece = line[start:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            spans.append((offset + start + lead, offset + start + lead + len(stripped)))
        start = end


def _is_boundary(line: str, match: re.Match[str], language: Language) -> bool:
    """Whether the terminator ``match`` really ends a sentence."""
    end = match.end()
    first = line[end + 1 : end + 2]  # (line[end] is a space: the candidate's look-ahead)
    if first and not first.isspace():
        after = end + 1  # the common case, one space, without a regex search
    else:
        following = _NON_SPACE.search(line, end)
        if following is None:
            return True
        first, after = following.group(), following.start()
    if not (first.isupper() or first.isdigit() or first in _OPENERS):
        return False
    if match.group().rstrip(_CLOSERS) != ".":
        return True  # "!", "?", "…", "..." followed by a capital
    dot = match.start()
    if dot > 0 and line[dot - 1] in ",;":
        return False  # scraping noise ("2nd Battalion,. Royal Regiment"), never an end
    if dot > 0 and line[dot - 1].isspace():
        return True  # "Sheffield United . Up for the battle"
    token_start = max(line.rfind(" ", 0, dot), line.rfind("\u00a0", 0, dot)) + 1
    token = line[token_start:dot].lstrip(_OPENERS)
    return not _is_abbreviation(token, line, token_start, after, language)


def _is_abbreviation(token: str, line: str, start: int, after: int, language: Language) -> bool:
    """Whether ``token.`` is an abbreviation, an initial or an ordinal rather than an end.

    ``start`` is where the token begins in ``line``, ``after`` where the next word begins.
    """
    if not token:
        return False
    if token in ABBREVIATIONS[language] or (len(token) == 1 and token.isalpha()):
        return True
    if "." in token and _ACRONYM.fullmatch(token):
        return True  # "U.S.", "z.B.", "e.g."
    if language == "de" and token[:1].isdigit() and _NUMBER.fullmatch(token):
        word = _WORD.match(line, after, after + 40)
        next_word = word.group() if word else ""
        if next_word in _MONTHS["de"] or next_word in _ORDINAL_NOUNS:
            return True
        if next_word in ABBREVIATIONS["de"] and line.startswith(next_word + ".", after):
            return True  # "20. Jh."
        words = _WORD.findall(line, max(0, start - 30), start)
        return bool(words) and words[-1].lower() in _ORDINAL_BEFORE and len(token) <= 3
    return False
