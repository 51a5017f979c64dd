"""Hand-made articles (Swiss German, French, English) and a test config for the fake server."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from kurzum.llm.config import LLMConfig
from kurzum.llm.testing import FakeOpenAI, Play
from kurzum.models import Article

SWISS = Article(
    title="Neue Velobrücke in Zürich kostet 12 Millionen Franken",
    lead="Der Zürcher Stadtrat will bis 2027 eine neue Velobrücke über die Limmat bauen.",
    paragraphs=(
        "Die Brücke soll 180 Meter lang werden und 12 Millionen Franken kosten. "
        "Stadträtin Simone Brander (45) sagte am Dienstag, die Strasse am Limmatquai sei heute "
        "zu gefährlich für Velofahrende.",
        "Täglich fahren dort rund 11'000 Velos durch. Der Gemeinderat muss dem Kredit noch "
        "zustimmen, eine Volksabstimmung ist für den Herbst geplant.",
        "Kritik kommt vom Gewerbeverband, der den Wegfall von 40 Parkplätzen bemängelt. "
        "Die Bauarbeiten sollen im Frühling 2026 beginnen und grosse Umleitungen nötig machen.",
    ),
    language="de",
)

FRENCH = Article(
    title="Genève: le tram vers Annemasse transporte 20 000 passagers par jour",
    lead="Un an après son ouverture, la ligne de tram entre Genève et Annemasse dépasse "
    "les attentes des autorités.",
    paragraphs=(
        "Selon les Transports publics genevois, 20 000 passagers l'empruntent chaque jour, "
        "soit deux fois plus que prévu. Le conseiller d'État Pierre Maudet (46) a salué un "
        "succès pour toute la région.",
        "Les horaires seront renforcés dès le 15 décembre avec un tram toutes les six minutes. "
        "Les commerçants de Chêne-Bourg se plaignent toutefois du bruit des travaux.",
    ),
    language="fr",
)

ENGLISH = Article(
    title="Storm leaves 30,000 homes without power in Cornwall",
    lead="A storm with winds of up to 90 mph has left about 30,000 homes in Cornwall "
    "without electricity.",
    paragraphs=(
        "Engineers from National Grid worked through the night to restore supplies, the "
        "company said on Sunday. Council leader Linda Taylor (58) said schools in Truro and "
        "Penzance would stay closed on Monday.",
        "The Met Office has issued a yellow warning for further rain until Tuesday evening. "
        "Residents were advised to avoid coastal paths and to check on elderly neighbours.",
    ),
    language="en",
)

# The type of the ``serve`` fixture: start a server with these scripts.
Serve = Callable[[Mapping[str, Sequence[Play]]], FakeOpenAI]

ARTICLES = {"de": SWISS, "fr": FRENCH, "en": ENGLISH}


def config(server: FakeOpenAI, model: str, **changes: object) -> LLMConfig:
    """A config for tests: short timeout and backoff, so failures are fast."""
    base = LLMConfig(url=server.url, model=model, timeout=2.0, backoff=0.01, max_retries=2)
    return base.with_changes(**changes) if changes else base
