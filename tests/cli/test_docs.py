"""The README's settings table and CLI reference are generated and current."""

from __future__ import annotations

import pytest

from kurzum.cli import docs
from kurzum.settings import Settings


def test_readme_generated_sections_are_current() -> None:
    """Fails when a setting or a command changed without `make docs` (python -m kurzum.cli.docs)."""
    assert docs.main(["--check"]) == 0, "README.md is stale: run `python -m kurzum.cli.docs`"


def test_every_setting_and_command_is_in_the_readme() -> None:
    readme = docs.README.read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`KURZUM_{name.upper()}`" in readme, name
    assert "`thread` \\| `off` \\| `celery`" in readme  # the worker modes, celery included
    for command in ("serve", "worker", "import", "keys revoke PREFIX", "publications set SLUG"):
        assert f"`kurzum {command}" in readme, command


def test_render_replaces_only_between_the_markers() -> None:
    begin_s, end_s = docs._markers("settings")
    begin_c, end_c = docs._markers("cli")
    text = f"intro\n{begin_s}\nSTALE\n{end_s}\nmiddle\n{begin_c}\n{end_c}\nend\n"
    fresh = docs.render(text)
    assert fresh.startswith("intro\n") and fresh.endswith("end\n") and "\nmiddle\n" in fresh
    assert "STALE" not in fresh and "`KURZUM_PORT`" in fresh and "`kurzum serve`" in fresh
    with pytest.raises(ValueError, match="markers"):
        docs.render("no markers here")
