"""The README's settings table and CLI reference, generated from ``Settings`` and the CLI.

``python -m kurzum.cli.docs`` rewrites the parts of README.md between the marker comments
(``make docs``); ``--check`` only reports whether they are current (a test runs it), so the
README cannot go stale when a setting or a command changes.
"""

from __future__ import annotations

import sys
import types
import typing
from pathlib import Path
from typing import Any

import typer
import typer.main
from pydantic import SecretStr
from pydantic.fields import FieldInfo

from kurzum.cli import app, register_all
from kurzum.settings import Settings

README = Path(__file__).resolve().parents[3] / "README.md"
SECTIONS = ("settings", "cli")


def _values(annotation: Any) -> str:
    """The accepted values of a field's type, for the table (Literal choices spelled out)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{value}`" for value in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        parts = [a for a in typing.get_args(annotation) if a is not type(None)]
        return " \\| ".join(_values(a) for a in parts)
    names = {bool: "true \\| false", int: "integer", float: "number", str: "text"}
    if annotation is SecretStr:
        return "secret"
    if annotation is Path:
        return "path"
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _default(name: str, field: FieldInfo) -> str:
    value = field.default
    if name == "secret_key":
        return "a development-only value"
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def settings_table() -> str:
    """One row per ``Settings`` field: environment variable, values, default, meaning."""
    lines = ["| variable | values | default | meaning |", "|---|---|---|---|"]
    for name, field in Settings.model_fields.items():
        meaning = (field.description or "").replace("|", "\\|")
        lines.append(
            f"| `KURZUM_{name.upper()}` | {_values(field.annotation)} "
            f"| {_default(name, field)} | {meaning} |"
        )
    return "\n".join(lines)


def _usage(path: str, command: Any) -> str:
    args = []
    for param in command.params:
        if param.param_type_name == "argument":
            name = param.name.upper() + ("..." if param.nargs == -1 else "")
            args.append(name if param.required else f"[{name}]")
    args_text = " ".join(args)
    return f"`kurzum {path}{' ' + args_text if args_text else ''}`"


def _options(command: Any) -> str:
    names = [
        max(p.opts, key=len)
        for p in command.params
        if p.param_type_name == "option" and not p.hidden and "--help" not in p.opts
    ]
    return ", ".join(f"`{n}`" for n in names) or "–"


def _commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(path, command) of every visible leaf command, in the order the CLI lists them."""
    found: list[tuple[str, Any]] = []
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if command is None or command.hidden:
            continue
        path = f"{prefix}{name}"
        if hasattr(command, "list_commands"):
            found += _commands(command, f"{path} ")
        else:
            found.append((path, command))
    return found


def cli_reference() -> str:
    """One row per command: usage, options, first line of its help."""
    register_all()
    root = typer.main.get_command(app)
    lines = ["| command | options | what it does |", "|---|---|---|"]
    for path, command in _commands(root):
        summary = (command.help or "").strip().splitlines()[0] if command.help else ""
        lines.append(f"| {_usage(path, command)} | {_options(command)} | {summary} |")
    return "\n".join(lines)


def _markers(section: str) -> tuple[str, str]:
    return (
        f"<!-- BEGIN GENERATED {section}: python -m kurzum.cli.docs -->",
        f"<!-- END GENERATED {section} -->",
    )


def render(readme: str) -> str:
    """``readme`` with every generated section replaced by its current content."""
    content = {"settings": settings_table(), "cli": cli_reference()}
    for section in SECTIONS:
        begin, end = _markers(section)
        head, found, rest = readme.partition(begin)
        _, found_end, tail = rest.partition(end)
        if not found or not found_end:
            raise ValueError(f"README.md lacks the markers of the {section} section")
        readme = f"{head}{begin}\n{content[section]}\n{end}{tail}"
    return readme


def main(argv: list[str] | None = None) -> int:
    """Rewrite README.md, or with ``--check`` exit 1 when it is out of date."""
    args = sys.argv[1:] if argv is None else argv
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in args:
        if fresh != current:
            print("README.md is out of date: run `python -m kurzum.cli.docs`", file=sys.stderr)
            return 1
        return 0
    if fresh != current:
        README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
