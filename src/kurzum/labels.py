"""The reader-facing label of a summary ("KI-generiert", "… redaktionell geprüft", model name).

A leaf module (it imports nothing from kurzum): the reader API, the pages and the webhook
payloads of the storage outbox all show the same label, so it cannot live in any one of them.
"""

from __future__ import annotations

from typing import Protocol

LABELS: dict[str, tuple[str, str]] = {
    "de": ("KI-generiert", "KI-generiert, redaktionell geprüft"),
    "fr": ("Généré par IA", "Généré par IA, vérifié par la rédaction"),
    "en": ("AI-generated", "AI-generated, reviewed by the newsroom"),
}

# How a model-written summary names its model in the label ("… · Sprachmodell llama3").
MODEL_WORDS: dict[str, str] = {"de": "Sprachmodell", "fr": "modèle de langage", "en": "model"}


class Labelled(Protocol):
    """What a label is made from: a stored version or a reader-view row of one."""

    @property
    def language(self) -> str: ...
    @property
    def reviewed(self) -> bool: ...
    @property
    def method(self) -> str: ...
    @property
    def model(self) -> str | None: ...


def label(version: Labelled) -> str:
    """The reader-facing label, driven by whether an editor approved this version.

    Summaries written by a language model (method ``llm`` or ``hybrid``) name the model.
    """
    unreviewed, reviewed = LABELS.get(version.language, LABELS["de"])
    text = reviewed if version.reviewed else unreviewed
    if version.method in ("llm", "hybrid") and version.model:
        word = MODEL_WORDS.get(version.language, MODEL_WORDS["de"])
        text = f"{text} · {word} {version.model}"
    return text
