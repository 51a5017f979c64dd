"""HTML pages (saved or fetched) via trafilatura: title, date, body paragraphs; no network."""

from __future__ import annotations

from kurzum.errors import EmptyInputError, InputError
from kurzum.ingest.draft import Draft

# News pages are 0.1-2 MB; trafilatura's time grows faster than linearly with the page (a
# 1.5 MB page of 20,000 paragraphs takes ~4 s), so larger pages are refused, like large fetches.
MAX_HTML_CHARS = 5_000_000


def parse_html(html: str | bytes, *, url: str | None = None) -> Draft:
    """Extract the main text and metadata of an HTML page; comments and tables are left out."""
    if len(html) > MAX_HTML_CHARS:
        raise InputError(f"the HTML page is larger than {MAX_HTML_CHARS // 1_000_000} MB")
    from trafilatura import bare_extraction  # imported on first use: ~40 MB that text input skips

    document = bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        deduplicate=False,
    )
    text = getattr(document, "text", None) if document is not None else None
    if not text or not str(text).strip():
        raise EmptyInputError("no article text found in the HTML page")
    title: str | None = getattr(document, "title", None) or None
    blocks = [line.strip() for line in str(text).split("\n") if line.strip()]
    if title and blocks and blocks[0] == title:
        blocks = blocks[1:]
    description: str | None = getattr(document, "description", None) or None
    lead = None
    if description and blocks and blocks[0] == description.strip() and len(blocks) > 1:
        lead, blocks = blocks[0], blocks[1:]
    return Draft(
        title=title,
        lead=lead,
        paragraphs=tuple(blocks),
        date=getattr(document, "date", None) or None,
        url=getattr(document, "url", None) or url,
        publisher=getattr(document, "sitename", None) or None,
    )
