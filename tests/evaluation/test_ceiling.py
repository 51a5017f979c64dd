"""The reference rows of the benchmark: lead-3 under the box's rules and the oracle ceiling."""

from __future__ import annotations

from kurzum.core.options import SummaryOptions
from kurzum.evaluation.ceiling import boxed_lead, boxed_oracle
from kurzum.evaluation.metrics import rouge
from kurzum.models import Article

LEAD = "Der Kanton Bern senkt die Steuern für Familien ab dem nächsten Jahr um 5 Prozent."
ARTICLE = Article(
    title="Bern senkt die Steuern",
    lead=LEAD,
    paragraphs=(
        "Er will damit junge Familien im Kanton halten.",
        "Der Grosse Rat hat die Vorlage am Dienstag mit 120 zu 30 Stimmen angenommen.",
        "Die Steuersenkung kostet Bern jährlich rund 80 Millionen Franken.",
        "Die Gemeinden müssen einen Teil der Ausfälle selber tragen.",
        "Der Regierungsrat rechnet mit mehr Zuzügen aus anderen Kantonen in den nächsten Jahren.",
    ),
    language="de",
)
OPTIONS = SummaryOptions()


def test_boxed_lead_skips_the_lead_and_dangling_sentences() -> None:
    bullets = boxed_lead(ARTICLE, OPTIONS)
    assert LEAD not in bullets  # the lead stands above the box
    assert not any(b.startswith("Er ") for b in bullets)  # "Er" has no antecedent
    assert bullets == [
        "Der Grosse Rat hat die Vorlage am Dienstag mit 120 zu 30 Stimmen angenommen.",
        "Die Steuersenkung kostet Bern jährlich rund 80 Millionen Franken.",
        "Die Gemeinden müssen einen Teil der Ausfälle selber tragen.",
    ]


def test_the_oracle_picks_what_the_references_say() -> None:
    references = ["Die Gemeinden tragen einen Teil der Ausfälle.", "Mehr Zuzüge erwartet."]
    bullets = boxed_oracle(ARTICLE, references, OPTIONS)
    assert "Die Gemeinden müssen einen Teil der Ausfälle selber tragen." in bullets
    # a ceiling: nothing from the same candidates scores higher than the oracle's choice
    best = rouge(bullets, references, "de").r1
    assert best >= rouge(boxed_lead(ARTICLE, OPTIONS), references, "de").r1
    # in article order
    assert bullets == sorted(bullets, key=lambda b: ARTICLE.text.index(b))
