"""The ``llm`` backend: the model writes the bullets from the whole article, behind the gate.

Its bullets get approximate provenance (``provenance.link``): the sentences they restate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kurzum.backends.fallback import fall_back
from kurzum.backends.gate import ask
from kurzum.backends.provenance import link
from kurzum.core import summarize
from kurzum.core.options import SummaryOptions
from kurzum.llm.client import ChatClient
from kurzum.llm.config import LLMConfig
from kurzum.llm.problems import Problem
from kurzum.llm.prompts import write_messages
from kurzum.llm.validate import validate
from kurzum.models import Article, Bullet, Summary


class LLMBackend:
    """Abstractive bullets from an OpenAI-compatible server; extractive summary as fallback."""

    name = "llm"

    def __init__(self, config: LLMConfig, *, client: ChatClient | None = None) -> None:
        self.config = config
        self.client = client or ChatClient(config)

    def summarize(self, article: Article, options: SummaryOptions | None = None) -> Summary:
        """Validated model bullets with method "llm", or the extractive summary with a note."""
        options = options or SummaryOptions()
        extractive = summarize(article, options)
        count = len(extractive.bullets)  # the core's count: fewer for very short articles
        if count == 0:
            return extractive
        language = extractive.language

        def check(bullets: Sequence[str]) -> tuple[Problem, ...]:
            return validate(
                bullets,
                article=article,
                language=language,
                count=count,
                max_chars=options.max_chars,
            )

        messages = write_messages(
            article, language=language, count=count, max_chars=options.max_chars
        )
        result = ask(
            self.client,
            messages,
            check,
            language=language,
            count=count,
            max_chars=options.max_chars,
        )
        if result.bullets is None:
            return fall_back(extractive, result.reason or "no answer", result.usage)
        return replace(
            extractive,
            bullets=tuple(
                Bullet(text, sources)
                for text, sources in zip(
                    result.bullets, link(result.bullets, article, language), strict=True
                )
            ),
            method=self.name,
            model=result.model,
            usage=result.usage,
        )

    def __enter__(self) -> LLMBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()
