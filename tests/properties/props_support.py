"""Shared strategies and limits for the property-based tests (bad input at scale).

Every property says the same thing in a different place: whatever arrives, kurzum either
returns a well-formed value or raises a ``KurzumError`` subclass, in bounded time and memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Deterministic (derandomize) and without an example database, so runs are repeatable and leave
# no files behind; KURZUM_HYPOTHESIS_EXAMPLES raises the count for a longer local search.
EXAMPLES = int(os.environ.get("KURZUM_HYPOTHESIS_EXAMPLES", "60"))
PROPS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# A 10 MB input must be handled (or refused with a KurzumError) in a child process that is
# killed after this long (a hang guard, not a speed target: speed is measured by `make bench`).
HUGE_SECONDS = 90.0
HUGE_RSS_MB = 2048

SENTENCES = {
    "de": [
        "Der Bundesrat hat am 3. Oktober 2024 neue Regeln für den Bahnverkehr beschlossen.",
        "Laut Dr. Anna Meier (56) kosten die Massnahmen rund 11'000 Franken pro Gemeinde.",
        "«Wir sind zufrieden», sagte die Ministerin gegenüber der Zeitung.",
        "Die Strecke zwischen Zürich und Bern bleibt bis Nr. 7 gesperrt.",
    ],
    "fr": [
        "Le Conseil fédéral a adopté mercredi une nouvelle loi sur l'énergie.",
        "Selon M. Dupont, le coût atteint 2,5 millions de francs d'ici à 2026.",
        "« Nous restons prudents », a déclaré Mme Martin à Genève.",
        "La grève a touché 40 % des trains régionaux dans le canton de Vaud.",
    ],
    "en": [
        "The city council approved a new budget of $4.2 million on Tuesday.",
        "Mayor John Smith, 61, said the plan would create 300 jobs by 2027.",
        '"This is a good day for the city," St. Mary\'s director told reporters.',
        "Police closed the road after the accident near the river bridge.",
    ],
    "other": [
        "Правительство объявило о новых мерах поддержки экономики.",
        "东京的天气预报说明天会下雨。",
        "الحكومة أعلنت عن خطة جديدة للنقل العام.",
        "Il governo ha approvato la nuova legge di bilancio ieri sera.",
        "🙂🚆💶 ‼️ ⁉️",
    ],
}

CONTROL = "".join(chr(c) for c in [*range(0, 32), 127, *range(0x80, 0xA0)]) + (
    "\u200b\u200e\u202e\ufeff\ufffe\u2028\u2029"
)

control_chars = st.text(alphabet=CONTROL, min_size=1, max_size=20)
any_text = st.text(max_size=3000)  # every code point, surrogates excluded (str cannot encode them)
known_sentence = st.sampled_from([s for group in SENTENCES.values() for s in group])


@st.composite
def mixed_text(draw: st.DrawFn) -> str:
    """Paragraphs mixing real sentences of several languages with noise and control chars."""
    paragraphs: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        parts = draw(
            st.lists(st.one_of(known_sentence, known_sentence, any_text, control_chars), max_size=6)
        )
        paragraphs.append(" ".join(parts))
    sep = draw(st.sampled_from(["\n\n", "\n", "\r\n\r\n", "\u2029", " "]))
    return sep.join(paragraphs)


TAGS = [
    "div",
    "p",
    "span",
    "article",
    "section",
    "b",
    "i",
    "a",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "script",
    "style",
    "h1",
    "h2",
    "blockquote",
    "figure",
    "figcaption",
    "br",
    "x-weird",
]


@st.composite
def html_document(draw: st.DrawFn) -> str:
    """Random (often broken) HTML: nested tags, attributes, entities, text of any language."""
    depth = draw(st.integers(0, 60))
    opened: list[str] = []
    out = [
        "<!DOCTYPE html><html><head><title>",
        draw(st.one_of(known_sentence, any_text)),
        "</title></head><body>",
    ]
    for _ in range(depth):
        tag = draw(st.sampled_from(TAGS))
        attr = draw(st.sampled_from(["", ' class="x"', ' id="a&amp;b"', " data-x='<'", ' style="']))
        out.append(f"<{tag}{attr}>")
        opened.append(tag)
        out.append(
            draw(
                st.one_of(
                    st.just(""),
                    known_sentence,
                    mixed_text(),
                    st.sampled_from(
                        [
                            "&amp;",
                            "&#0;",
                            "&#x110000;",
                            "&nbsp;",
                            "&bogus;",
                            "<!--",
                            "]]>",
                            "<![CDATA[x",
                        ]
                    ),
                )
            )
        )
    if draw(st.booleans()):  # sometimes close everything, sometimes leave the tree broken
        out.extend(f"</{t}>" for t in reversed(opened))
    out.append("</body></html>")
    return "".join(out)


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), any_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def article_record(draw: st.DrawFn) -> dict[str, object]:
    """A dev-data schema record whose fields hold arbitrary (often wrong) values."""
    field_value = st.one_of(mixed_text(), json_values)
    record: dict[str, object] = {
        "id": draw(st.one_of(st.text(max_size=20), json_values)),
        "lang": draw(st.one_of(st.sampled_from(["de", "fr", "en", "it", "", "DE"]), json_values)),
        "title": draw(st.one_of(st.none(), known_sentence, field_value)),
        "lead": draw(st.one_of(st.none(), known_sentence, field_value)),
        "text": draw(st.one_of(mixed_text(), field_value)),
    }
    if draw(st.booleans()):
        record["premium"] = draw(st.one_of(st.booleans(), json_values))
    if draw(st.booleans()):
        record[draw(st.text(max_size=10))] = draw(json_values)
    return record


@dataclass(frozen=True)
class ChildResult:
    """What a child process measured about one huge-input run."""

    outcome: str  # "ok" or the KurzumError subclass name
    seconds: float
    rss_mb: float
    detail: str


def run_in_child(code: str, timeout: float = HUGE_SECONDS * 2) -> ChildResult:
    """Run ``code`` (which sets ``outcome``/``detail``) in a fresh interpreter and measure it.

    A child keeps the peak RSS of one huge input apart from the rest of the test session. A
    crash (any exception that is not a KurzumError) surfaces as a non-zero exit with its traceback.
    """
    wrapper = textwrap.dedent(
        """
        import json, resource, sys, time
        from kurzum.errors import KurzumError
        start = time.perf_counter()
        outcome, detail = "ok", ""
        try:
        {body}
        except KurzumError as exc:
            outcome, detail = type(exc).__name__, str(exc)[:200]
        seconds = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({{"outcome": outcome, "seconds": seconds, "rss_mb": rss,
                          "detail": detail}}))
        """
    ).format(body=textwrap.indent(textwrap.dedent(code), "    "))
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", wrapper],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path(__file__).parent,
        check=False,
    )
    if proc.returncode != 0:
        raise AssertionError(
            f"child crashed after {time.perf_counter() - started:.1f}s "
            f"(exit {proc.returncode}):\n{proc.stderr[-3000:]}"
        )
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return ChildResult(
        str(data["outcome"]), float(data["seconds"]), float(data["rss_mb"]), str(data["detail"])
    )
