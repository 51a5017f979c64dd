"""Chat prompts per language that state the house style, and the JSON schema of the answer.

Two tasks: ``write`` (the model writes the bullets from the whole article) and ``rewrite``
(hybrid: the model shortens each given source sentence into one bullet). Every prompt is in
the article's language, so nothing pulls the model towards another one. The article goes in
``<article>`` tags, source sentences in ``<sentence n="…">`` tags (the test server reads them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kurzum.llm.client import Message
from kurzum.llm.problems import Problem, describe
from kurzum.models import Article, Language

_WRITE: dict[Language, str] = {
    "de": (
        "Du schreibst für eine Nachrichtenredaktion die Zusammenfassung «Auf einen Blick».\n"
        "Regeln:\n"
        "- Genau {n} Punkte. Jeder Punkt ist ein vollständiger, eigenständiger Satz mit "
        "höchstens {m} Zeichen.\n"
        "- Schreibe auf Deutsch. {spelling}\n"
        "- Nenne Personen mit Namen und, wenn der Artikel es angibt, mit Alter, "
        "z. B. «Kim Jong Un (40)».\n"
        "- Übernimm Zahlen, Daten und Namen genau so, wie sie im Artikel stehen.\n"
        "- Nur Fakten aus dem Artikel: nichts hinzufügen, nicht spekulieren, nicht werten.\n"
        "- Keine Wiederholungen; das Wichtigste zuerst.\n"
        'Antworte nur mit JSON in der Form {{"bullets": ["…", "…"]}}.'
    ),
    "fr": (
        "Tu rédiges pour une rédaction le résumé « L'essentiel » d'un article.\n"
        "Règles :\n"
        "- Exactement {n} points. Chaque point est une phrase complète et autonome de "
        "{m} caractères au maximum.\n"
        "- Écris en français. {spelling}\n"
        "- Nomme les personnes avec leur âge si l'article l'indique, p. ex. « Kim Jong Un (40) ».\n"
        "- Reprends les nombres, les dates et les noms exactement comme dans l'article.\n"
        "- Uniquement des faits de l'article : rien ajouter, ne pas spéculer, ne pas juger.\n"
        "- Pas de répétitions ; l'essentiel d'abord.\n"
        'Réponds uniquement en JSON de la forme {{"bullets": ["…", "…"]}}.'
    ),
    "en": (
        "You write the 'At a glance' summary of a news article for a newsroom.\n"
        "Rules:\n"
        "- Exactly {n} bullets. Each bullet is one complete, self-contained sentence of at "
        "most {m} characters.\n"
        "- Write in English. {spelling}\n"
        "- Name people with their age where the article gives it, e.g. 'Kim Jong Un (40)'.\n"
        "- Copy numbers, dates and names exactly as they appear in the article.\n"
        "- Only facts from the article: add nothing, do not speculate, do not judge.\n"
        "- No repetition; the most important point first.\n"
        'Answer only with JSON of the form {{"bullets": ["…", "…"]}}.'
    ),
}

_REWRITE: dict[Language, str] = {
    "de": (
        "Du kürzt für eine Nachrichtenredaktion Sätze aus einem Artikel zu den Punkten der "
        "Zusammenfassung «Auf einen Blick».\n"
        "Regeln:\n"
        "- Schreibe jeden der {n} nummerierten Sätze als genau einen Punkt neu, in derselben "
        "Reihenfolge: ein vollständiger, eigenständiger Satz mit höchstens {m} Zeichen.\n"
        "- Schreibe auf Deutsch. {spelling}\n"
        "- Jeder Punkt enthält nur, was in seinem Satz steht: keine Zahlen, Daten oder Namen "
        "aus anderen Sätzen oder aus deinem Wissen. Zahlen und Namen genau wie im Satz.\n"
        "- Ersetze Pronomen am Satzanfang durch das, worauf sie sich beziehen, wenn der Satz "
        "es nennt.\n"
        'Antworte nur mit JSON in der Form {{"bullets": ["…", "…"]}}.'
    ),
    "fr": (
        "Tu raccourcis pour une rédaction des phrases d'un article en points du résumé "
        "« L'essentiel ».\n"
        "Règles :\n"
        "- Réécris chacune des {n} phrases numérotées en exactement un point, dans le même "
        "ordre : une phrase complète et autonome de {m} caractères au maximum.\n"
        "- Écris en français. {spelling}\n"
        "- Chaque point ne contient que ce que dit sa phrase : aucun nombre, date ou nom "
        "d'une autre phrase ou de tes connaissances. Nombres et noms exactement comme dans "
        "la phrase.\n"
        'Réponds uniquement en JSON de la forme {{"bullets": ["…", "…"]}}.'
    ),
    "en": (
        "You shorten sentences of a news article into the bullets of its 'At a glance' "
        "summary for a newsroom.\n"
        "Rules:\n"
        "- Rewrite each of the {n} numbered sentences as exactly one bullet, in the same "
        "order: one complete, self-contained sentence of at most {m} characters.\n"
        "- Write in English. {spelling}\n"
        "- Each bullet contains only what its sentence says: no numbers, dates or names from "
        "other sentences or from your own knowledge. Numbers and names exactly as written.\n"
        'Answer only with JSON of the form {{"bullets": ["…", "…"]}}.'
    ),
}

_SPELLING: dict[Language, tuple[str, str]] = {  # (Swiss source without "ß", any other source)
    "de": (
        "Schweizer Rechtschreibung wie im Artikel: immer «ss», nie «ß».",
        "Halte dich an die Rechtschreibung des Artikels.",
    ),
    "fr": (
        "Garde l'orthographe de l'article (y compris les usages suisses).",
        "Garde l'orthographe de l'article.",
    ),
    "en": (
        "Keep the article's spelling.",
        "Keep the article's spelling.",
    ),
}

_RETRY: dict[Language, str] = {
    "de": "Deine Antwort hat diese Probleme:\n{problems}\n"
    "Schreibe die Antwort neu, halte alle Regeln ein und antworte nur mit JSON.",
    "fr": "Ta réponse a ces problèmes :\n{problems}\n"
    "Réécris la réponse en respectant toutes les règles et réponds uniquement en JSON.",
    "en": "Your answer has these problems:\n{problems}\n"
    "Write the answer again, follow every rule and answer only with JSON.",
}


def swiss_spelling(article: Article) -> bool:
    """A German article that never writes "ß" (Swiss house style): the bullets must not either."""
    return "ß" not in article.text and "ß" not in (article.title or "")


def response_schema(count: int, max_chars: int) -> dict[str, Any]:
    """The JSON schema of an answer: exactly ``count`` strings of at most ``max_chars``."""
    return {
        "type": "object",
        "properties": {
            "bullets": {
                "type": "array",
                "items": {"type": "string", "minLength": 1, "maxLength": max_chars},
                "minItems": count,
                "maxItems": count,
            }
        },
        "required": ["bullets"],
        "additionalProperties": False,
    }


def _system(template: str, article: Article, language: Language, count: int, max_chars: int) -> str:
    spelling = _SPELLING[language][0 if swiss_spelling(article) else 1]
    return template.format(n=count, m=max_chars, spelling=spelling)


def _title(article: Article) -> str:
    return f"<title>{article.title}</title>\n" if article.title else ""


def write_messages(
    article: Article, *, language: Language, count: int, max_chars: int
) -> list[Message]:
    """Messages asking the model to write ``count`` bullets for the whole article."""
    system = _system(_WRITE[language], article, language, count, max_chars)
    user = f"{_title(article)}<article>\n{article.text}\n</article>"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def rewrite_messages(
    article: Article, sources: Sequence[str], *, language: Language, max_chars: int
) -> list[Message]:
    """Messages asking the model to rewrite each source sentence into one bullet (hybrid)."""
    system = _system(_REWRITE[language], article, language, len(sources), max_chars)
    numbered = "\n".join(f'<sentence n="{i}">{s}</sentence>' for i, s in enumerate(sources, 1))
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"{_title(article)}{numbered}"},
    ]


def retry_messages(
    messages: Sequence[Message],
    answer: str,
    problems: Sequence[Problem],
    *,
    language: Language,
    scoped: bool = False,
) -> list[Message]:
    """The conversation so far, the rejected answer and a request naming its problems."""
    listed = "\n".join(f"- {describe(p, language, want=language, scoped=scoped)}" for p in problems)
    return [
        *messages,
        {"role": "assistant", "content": answer},
        {"role": "user", "content": _RETRY[language].format(problems=listed)},
    ]
