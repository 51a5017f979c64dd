"""Frozen value types shared by the core, ingestion, the CLI, the service and the workers.

Offsets: every character offset refers to ``Article.text``, the lead (if any) and the body
paragraphs joined by blank lines, so a bullet's provenance can be highlighted in the article.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

Language = Literal["de", "fr", "en"]
LANGUAGES: tuple[Language, ...] = ("de", "fr", "en")
PARAGRAPH_SEPARATOR = "\n\n"


def parse_language(value: str | None) -> Language | None:
    """``value`` as a supported language (``"de"``, ``"FR"``, ``"fr-CH"``, ``"en_GB"``), else
    None. The one language-code rule of ingestion, the service and the UI."""
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    for language in LANGUAGES:
        if code == language:
            return language
    return None


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, cleaned of notices, credits and promos, ready to summarize."""

    title: str | None
    lead: str | None
    paragraphs: tuple[str, ...]
    language: Language | None = None
    date: str | None = None
    premium: bool = False
    url: str | None = None
    publisher: str | None = None
    id: str | None = None

    @property
    def blocks(self) -> tuple[str, ...]:
        """The lead (if any) followed by the body paragraphs: what summaries are drawn from."""
        return ((self.lead,) if self.lead else ()) + self.paragraphs

    @property
    def text(self) -> str:
        """The text all offsets refer to: ``blocks`` joined by blank lines."""
        return PARAGRAPH_SEPARATOR.join(self.blocks)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of ``Article.text``: its position among all sentences and its offsets."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class Source:
    """Provenance of a bullet: the source sentence index and the character span used from it."""

    sentence: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Bullet:
    """One key point, with the source sentence span(s) it was taken from."""

    text: str
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens a language model spent on one summary (for cost accounting)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True, slots=True)
class Summary:
    """The bullets for one article plus how they were made."""

    bullets: tuple[Bullet, ...]
    language: Language
    method: str = "extractive"
    notes: tuple[str, ...] = ()
    model: str | None = None
    usage: Usage | None = None
    # A model-based backend rejected the model's answer and returned the extractive summary:
    # the service holds such a summary for an editor (the reason is in ``notes``).
    fell_back: bool = False

    @property
    def texts(self) -> list[str]:
        """The bullet texts, in order."""
        return [b.text for b in self.bullets]


IssueKind = Literal["number", "date", "name"]


@dataclass(frozen=True, slots=True)
class Issue:
    """A span of a bullet that the article does not support."""

    bullet: int
    kind: IssueKind
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class FaithfulnessReport:
    """Result of checking a summary against its article; ``ok`` when nothing is unsupported."""

    issues: tuple[Issue, ...] = field(default_factory=tuple)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass(frozen=True, slots=True)
class ArticleText:
    """Title, lead and body paragraphs as stored for an article (HTML already converted)."""

    title: str | None
    lead: str | None
    paragraphs: tuple[str, ...]

    @property
    def body(self) -> str:
        """The body as stored: paragraphs joined by blank lines."""
        return PARAGRAPH_SEPARATOR.join(self.paragraphs)


def content_hash(text: ArticleText, language: str) -> str:
    """SHA-256 of what the summary depends on: a changed hash makes the summary stale."""
    digest = hashlib.sha256()
    for part in (language, text.title or "", text.lead or "", *text.paragraphs):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()
