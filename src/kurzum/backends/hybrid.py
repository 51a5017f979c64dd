"""The ``hybrid`` backend: the extractive core picks the sentences, the model rewrites each one.

Each bullet keeps the provenance of the sentence it was rewritten from, and the faithfulness
check runs per bullet against that sentence only: a rewrite may not borrow a number or name
from elsewhere in the article.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kurzum.backends.fallback import fall_back
from kurzum.backends.gate import ask
from kurzum.core import summarize
from kurzum.core.options import SummaryOptions
from kurzum.llm.client import ChatClient
from kurzum.llm.config import LLMConfig
from kurzum.llm.problems import Problem
from kurzum.llm.prompts import rewrite_messages
from kurzum.llm.validate import validate
from kurzum.models import Article, Bullet, Summary


def source_text(article: Article, bullet: Bullet) -> str:
    """The article text a bullet was taken from (its source spans, joined by a space)."""
    text = article.text
    spans = [text[s.start : s.end].strip() for s in bullet.sources]
    return " ".join(s for s in spans if s) or bullet.text


class HybridBackend:
    """Extractive selection, abstractive wording; extractive summary as fallback."""

    name = "hybrid"

    def __init__(self, config: LLMConfig, *, client: ChatClient | None = None) -> None:
        self.config = config
        self.client = client or ChatClient(config)

    def summarize(self, article: Article, options: SummaryOptions | None = None) -> Summary:
        """Rewritten bullets with method "hybrid", or the extractive summary with a note."""
        options = options or SummaryOptions()
        extractive = summarize(article, options)
        if not extractive.bullets:
            return extractive
        language = extractive.language
        sources = [source_text(article, b) for b in extractive.bullets]
        scopes = [
            Article(title=None, lead=None, paragraphs=(s,), language=language) for s in sources
        ]
        count = len(sources)

        def check(bullets: Sequence[str]) -> tuple[Problem, ...]:
            return validate(
                bullets,
                article=article,
                language=language,
                count=count,
                max_chars=options.max_chars,
                scopes=scopes,
            )

        messages = rewrite_messages(
            article, sources, language=language, max_chars=options.max_chars
        )
        result = ask(
            self.client,
            messages,
            check,
            language=language,
            count=count,
            max_chars=options.max_chars,
            scoped=True,
        )
        if result.bullets is None:
            return fall_back(extractive, result.reason or "no answer", result.usage)
        bullets = tuple(
            Bullet(text, picked.sources)
            for text, picked in zip(result.bullets, extractive.bullets, strict=True)
        )
        return replace(
            extractive, bullets=bullets, method=self.name, model=result.model, usage=result.usage
        )

    def __enter__(self) -> HybridBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()
