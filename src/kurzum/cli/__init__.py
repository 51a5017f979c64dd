"""The ``kurzum`` command line: one module per command group, one error adapter.

* :mod:`kurzum.cli.summarize` - ``summarize`` and ``eval`` (core only, loaded always)
* :mod:`kurzum.cli.serve` - ``serve`` (the web service, optionally with the demo)
* :mod:`kurzum.cli.workers` - ``worker``, ``import``, ``backfill``, ``reconcile``, ``retry``
* :mod:`kurzum.cli.admin` - ``db``, ``users``, ``publications``, ``keys``
* :mod:`kurzum.cli.calibrate` - ``calibrate`` (a publication's calibration from its archive)
* :mod:`kurzum.cli.errors` - bad input ends as one line on stderr and exit code 2

The service, worker and admin commands import the web and storage stacks (about 95 MB and a
second of start-up), so :func:`main` attaches them only when the command line needs them.
"""

from __future__ import annotations

import sys

import typer

from kurzum.cli import summarize
from kurzum.cli.errors import KurzumGroup

__all__ = ["CORE_COMMANDS", "app", "main", "register_all"]

app = typer.Typer(
    name="kurzum",
    cls=KurzumGroup,
    help="Short, faithful key-point summaries of news articles, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
summarize.register(app)

# Commands that need only the core.
CORE_COMMANDS = frozenset({"summarize", "eval"})
_registered = False


def register_all() -> None:
    """Attach the service, worker and admin commands; idempotent.

    Imported here, not at the top, on purpose: ``kurzum summarize`` must not pay for them.
    """
    global _registered
    if _registered:
        return
    from kurzum.cli import admin, calibrate, serve, workers

    serve.register(app)
    workers.register(app)
    admin.register(app)
    calibrate.register(app)
    _registered = True


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``kurzum`` script."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in CORE_COMMANDS:
        register_all()
    app(args=args)
