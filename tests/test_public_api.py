"""The package's public surface: ``kurzum.__all__`` is the API, and the version is the package's."""

from __future__ import annotations
import __future__

import inspect
from importlib.metadata import version

import kurzum


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name, value in vars(kurzum).items()
        if not name.startswith("_")
        and not inspect.ismodule(value)
        and not isinstance(value, __future__._Feature)
    }
    assert sorted(kurzum.__all__) == sorted(public)
    assert kurzum.__all__ == sorted(kurzum.__all__), "keep __all__ sorted"


def test_every_public_name_is_documented() -> None:
    for name in kurzum.__all__:
        assert inspect.getdoc(getattr(kurzum, name)), f"kurzum.{name} has no docstring"


def test_version_comes_from_the_package_metadata() -> None:
    assert kurzum.__version__ == version("kurzum")
