"""Hostile request data (issue 14): lone surrogates, deep nesting and extreme integers.

Whatever JSON value arrives, a request model either accepts it with only storable text or
refuses it with a ValidationError (a 422), never another exception; the JSONL reader splits any
chunking of a body into the same lines.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kurzum.errors import KurzumError
from kurzum.text import find_bad_text, json_too_deep, scrub, text_ok
from kurzum.web.jsonl import jsonl_lines
from kurzum.web.schemas import ArticleIn, BulletsIn, RegisterIn, SubscriptionIn
from tests.conftest import run_async
from tests.properties.props_support import PROPS

# Any code point, lone surrogates included (st.text() leaves them out by default).
hostile_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40)
extreme_int = st.one_of(
    st.integers(), st.sampled_from([2**31, 2**63, -(2**63) - 1, 10**30, -(10**30)])
)
scalars = st.one_of(st.none(), st.booleans(), extreme_int, st.floats(), hostile_text)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)
    ),
    max_leaves=20,
)


def nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


MODELS = (ArticleIn, BulletsIn, RegisterIn, SubscriptionIn)
FIELDS = {
    ArticleIn: ("title", "body", "lead", "url", "published_at"),
    BulletsIn: ("bullets",),
    RegisterIn: ("email", "password", "display_name"),
    SubscriptionIn: ("publication", "plan", "valid_from", "valid_until"),
}


def _all_text_ok(value: Any) -> bool:
    return find_bad_text(value) is None


@PROPS
@given(
    model=st.sampled_from(MODELS),
    data=st.data(),
    depth=st.sampled_from([0, 1, 50, 900, 100_000]),
)
def test_request_models_accept_storable_text_or_refuse(
    model: Any, data: st.DataObject, depth: int
) -> None:
    fields = FIELDS[model]
    payload = data.draw(st.dictionaries(st.sampled_from(fields), values, max_size=len(fields)))
    if depth and fields:
        payload[fields[0]] = nested(depth)
    try:
        accepted = model.model_validate(payload)
    except ValidationError:
        return
    assert _all_text_ok(accepted.model_dump())


def _depth(value: Any) -> int:
    """Nesting depth of arrays and objects (drawn values are shallow: recursion is fine)."""
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


# Text made of what JSON's structure is made of, so strings that look like nesting are common.
tricky_text = st.text(alphabet=st.sampled_from('[]{}"\\ ,:aé\ud800'), max_size=12)
tricky_values = st.recursive(
    st.one_of(st.none(), extreme_int, tricky_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(tricky_text, inner, max_size=3)
    ),
    max_leaves=20,
)


@PROPS
@given(
    value=st.one_of(values, tricky_values),
    limit=st.integers(min_value=0, max_value=6),
    ascii_only=st.booleans(),
)
def test_json_depth_scan_matches_the_parsed_depth(value: Any, limit: int, ascii_only: bool) -> None:
    """Strings full of brackets, quotes and backslashes never count; real nesting always does."""
    text = json.dumps(value, ensure_ascii=ascii_only)
    deeper = _depth(value) > limit
    assert json_too_deep(text, limit) is deeper
    assert json_too_deep(text.encode("utf-8", "surrogatepass"), limit) is deeper


@PROPS
@given(value=hostile_text)
def test_scrub_always_makes_encodable_text(value: str) -> None:
    clean = scrub(value)
    clean.encode("utf-8")
    assert text_ok(clean)
    if text_ok(value):
        assert clean == value


@PROPS
@given(
    lines=st.lists(
        st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=30),
        max_size=12,
    ),
    cuts=st.lists(st.integers(min_value=1, max_value=50), max_size=10),
)
def test_jsonl_reader_is_independent_of_chunking(lines: list[str], cuts: list[int]) -> None:
    body = "\n".join(json.dumps(line) for line in lines).encode()
    chunks: list[bytes] = []
    rest = body
    for cut in cuts:
        chunks.append(rest[:cut])
        rest = rest[cut:]
    chunks.append(rest)

    async def stream() -> Any:
        for chunk in chunks:
            yield chunk

    async def collect() -> list[str | None]:
        found = jsonl_lines(stream(), max_total=10**6, max_line=10**6, max_lines=10**4)
        return [line.text async for line in found]

    try:
        got = run_async(collect())
    except KurzumError:
        raise AssertionError("valid UTF-8 JSONL refused") from None
    assert got == [json.dumps(line) for line in lines]
