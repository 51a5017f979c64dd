"""Ask the model, validate its answer, retry once naming the problems, or give up with a reason.

The LLM and hybrid backends share this loop; they fall back to the extractive summary when
it returns no bullets, and record ``reason`` in the summary's notes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kurzum.llm.answer import parse_bullets
from kurzum.llm.client import ChatClient, Message
from kurzum.llm.errors import AnswerFormatError, LLMTransportError
from kurzum.llm.problems import Problem, describe
from kurzum.llm.prompts import response_schema, retry_messages
from kurzum.models import Language, Usage

Validator = Callable[[Sequence[str]], tuple[Problem, ...]]

# Answer budget: about one token per 2 characters of bullet text (German and French words
# split into more tokens than English ones), plus the JSON around it.
CHARS_PER_TOKEN = 2
JSON_TOKENS = 50

# A failing answer gets exactly one more chance (issue 7): a second failure is a pattern, and
# a third request would double the latency budget of the worker for little gain.
ATTEMPTS = 2


@dataclass(frozen=True, slots=True)
class GateResult:
    """Accepted bullets (or None), the model, tokens spent on all attempts, and why it failed."""

    bullets: tuple[str, ...] | None
    model: str
    usage: Usage = field(default_factory=Usage)
    reason: str | None = None
    attempts: int = 0


def _add(a: Usage, b: Usage) -> Usage:
    return Usage(a.prompt_tokens + b.prompt_tokens, a.completion_tokens + b.completion_tokens)


def ask(
    client: ChatClient,
    messages: Sequence[Message],
    validator: Validator,
    *,
    language: Language,
    count: int,
    max_chars: int,
    scoped: bool = False,
) -> GateResult:
    """Run the ask-validate-retry loop; never raises for model or server failures."""
    schema = response_schema(count, max_chars)
    budget = count * max_chars // CHARS_PER_TOKEN + JSON_TOKENS
    model = client.config.model
    usage = Usage()
    conversation = list(messages)
    problems: tuple[Problem, ...] = ()
    for attempt in range(1, ATTEMPTS + 1):
        try:
            completion = client.complete(conversation, schema=schema, max_tokens=budget)
        except LLMTransportError as exc:
            return GateResult(None, model, usage, f"LLM unavailable: {exc}", attempt)
        model = completion.model
        usage = _add(usage, completion.usage)
        try:
            bullets = parse_bullets(completion.content)
        except AnswerFormatError as exc:
            problems = (Problem("format", span=str(exc)),)
        else:
            problems = validator(bullets)
            if not problems:
                return GateResult(tuple(bullets), model, usage, None, attempt)
        conversation = retry_messages(
            conversation, completion.content, problems, language=language, scoped=scoped
        )
    listed = "; ".join(describe(p, "en", want=language, scoped=scoped) for p in problems)
    return GateResult(None, model, usage, f"answer of {model} rejected twice: {listed}", ATTEMPTS)
