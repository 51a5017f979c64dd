"""Importing storage loads neither the summarizer nor the service (issue 15)."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
import kurzum.storage.articles, kurzum.storage.bulk, kurzum.storage.reader
import kurzum.storage.summaries, kurzum.storage.outbox
loaded = [m for m in ("httpx", "kurzum.llm", "kurzum.backends", "kurzum.pipeline",
                      "kurzum.web", "kurzum.workers", "kurzum.usecases") if m in sys.modules]
print(",".join(loaded))
"""


def test_storage_does_not_load_the_llm_client_or_the_web_layer() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
