"""The CLI's one error adapter: bad input ends as one line on stderr and exit code 2.

Every command runs inside :class:`KurzumGroup`, so a ``KurzumError``, an unreadable file or an
unreachable database never shows a traceback, whichever command raised it.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from kurzum.errors import KurzumError

EXIT_INPUT = 2
EXIT_INTERRUPTED = 130


def stderr() -> Console:
    """A console on stderr: messages and progress never mix with the output on stdout."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str) -> NoReturn:
    """Print a one-line error on stderr and exit with code 2 (bad input)."""
    first = message.strip().splitlines()[0] if message.strip() else "failed"
    stderr().print(f"[bold red]error:[/] {escape(first)}", markup=True, highlight=False)
    raise typer.Exit(EXIT_INPUT)


def _database_message(exc: BaseException) -> str | None:
    """The one-line text of a SQLAlchemy error, or None for anything else.

    SQLAlchemy is looked up, not imported: ``summarize`` never loads it, so it cannot raise it.
    """
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is None or not isinstance(exc, sa_exc.SQLAlchemyError):
        return None
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip() or type(exc).__name__
    unavailable = isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError)
    return f"database {'unavailable' if unavailable else 'error'}: {text}"


def message_of(exc: BaseException) -> str | None:
    """The user-facing line for an expected error (bad input, file, database), else None."""
    if isinstance(exc, KurzumError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    return _database_message(exc)


class KurzumGroup(TyperGroup):
    """The root command group: runs the chosen command and adapts its expected errors."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click.Context, not public
        """Run the command; expected errors become ``fail`` (one line, exit 2)."""
        try:
            return super().invoke(ctx)
        except Exception as exc:  # typer.Exit and usage errors pass: message_of gives None
            message = message_of(exc)
            if message is None:
                raise
            fail(message)
