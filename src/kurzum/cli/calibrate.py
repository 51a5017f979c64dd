"""``kurzum calibrate``: fit a publication's ranker calibration on its own archive.

Reads an archive in the evaluation schema (each article with the summary, teaser or bullets the
publication published), fits the calibration by cross-validation
(:func:`kurzum.evaluation.calibrate.fit`), prints its held-out ROUGE next to lead-3 and the
packaged default, and stores it on the publication; the workers then summarize that
publication's articles with it. A calibration that does worse than the default on held-out
articles is not stored (unless ``--force``). ``--reset`` goes back to the default.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from kurzum.cli.database import transaction
from kurzum.cli.errors import stderr
from kurzum.errors import InputError
from kurzum.settings import get_settings
from kurzum.storage import articles as repo
from kurzum.storage import calibrations

if TYPE_CHECKING:
    from kurzum.evaluation.calibrate import CalibrationReport

# Width of the table when stdout is not a terminal (files, pipes): nothing is cut off.
TABLE_WIDTH = 120
_ROWS = (
    ("fitted, cross-validated", "cross_validated"),
    ("default calibration", "default"),
    ("lead-3", "lead3"),
    ("fitted, in-sample (optimistic)", "in_sample"),
)


def _table(data: dict[str, Any]) -> Table:
    """The report's scores (F1 in points) as a table, the held-out score first."""
    table = Table(title=f"{data['articles']} articles, {data['folds']}-fold cross-validation")
    table.add_column("system")
    for name in ("ROUGE-1", "ROUGE-2", "ROUGE-L"):
        table.add_column(name, justify="right")
    for label, key in _ROWS:
        scores = data[key]
        table.add_row(label, *(f"{scores[k]:.2f}" for k in ("r1", "r2", "rl")))
    return table


def _scores(data: dict[str, Any]) -> dict[str, Any]:
    """What is stored next to the calibration: the report without the calibration itself."""
    return {key: value for key, value in data.items() if key != "calibration"}


def _fit(archive: Path, publication: str, folds: int) -> CalibrationReport:
    from kurzum.evaluation.calibrate import fit  # lazily: only this command fits
    from kurzum.evaluation.datasets import read_dataset

    if not 2 <= folds <= 20:
        raise InputError("--folds must be between 2 and 20")
    return fit(list(read_dataset(archive)), publication=publication, folds=folds)


def calibrate(
    publication: Annotated[
        str, typer.Option(help="Slug of the publication to calibrate.", show_default=False)
    ],
    archive: Annotated[
        Path | None,
        typer.Argument(
            help="JSONL archive: id, lang, title, lead, text, summary (list), date, url.",
            show_default=False,
        ),
    ] = None,
    folds: Annotated[int, typer.Option(help="Cross-validation folds.")] = 5,
    dry_run: Annotated[bool, typer.Option(help="Fit and report, store nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    force: Annotated[
        bool, typer.Option(help="Store it even when it does worse than the default.")
    ] = False,
    reset: Annotated[
        bool, typer.Option(help="Remove the publication's calibration (back to the default).")
    ] = False,
) -> None:
    """Fit a publication's summarizer calibration on its archive and store it.

    Each article needs the summary the publication published; too few articles to tell a
    style from chance are refused. Reports cross-validated ROUGE against lead-3 and the
    packaged default calibration, and keeps the default when the fit does worse.
    """
    settings = get_settings()
    if reset:
        if archive is not None:
            raise InputError("--reset takes no archive")
        with transaction(settings) as session:
            pub = repo.get_publication(session, publication)
            had = calibrations.clear_calibration(session, pub)
        typer.echo(
            f"{publication}: calibration removed" if had else f"{publication}: had no calibration"
        )
        return
    if archive is None:
        raise InputError("give an ARCHIVE.jsonl to fit on (or --reset)")
    if not dry_run:  # fail before fitting, not after
        with transaction(settings) as session:
            repo.get_publication(session, publication)
    report = _fit(archive, publication, folds)
    data = report.to_json()
    worse = worse_than_default(report)
    store = not dry_run and (force or worse is None)
    if store:
        with transaction(settings) as session:
            pub = repo.get_publication(session, publication)
            calibrations.set_calibration(
                session,
                pub,
                report.calibration,
                articles=report.articles,
                scores=_scores(data),
            )
    if as_json:
        typer.echo(json.dumps({"publication": publication, "stored": store, **data}))
    else:
        width = None if sys.stdout.isatty() else TABLE_WIDTH
        Console(highlight=False, width=width).print(_table(data))
    if store:
        done = f"stored for {publication}"
    elif dry_run:
        done = "not stored (--dry-run)"
    else:
        done = f"not stored, {worse}; --force stores it anyway"
    stderr().print(f"calibration {done}: {json.dumps(data['calibration'])}", markup=False)


def worse_than_default(report: CalibrationReport) -> str | None:
    """Why the fitted calibration should not replace the default, or None when it may.

    Cross-validation scores the fitting procedure on articles it did not see; when that is
    below the packaged default on the same articles, the archive shows no style to learn.
    """
    held, default = report.cross_validated, report.default
    if held.objective >= default.objective:
        return None
    return (
        "it does worse than the default on held-out articles "
        f"(ROUGE-1 {100 * held.r1:.2f} vs {100 * default.r1:.2f}, "
        f"ROUGE-L {100 * held.rl:.2f} vs {100 * default.rl:.2f})"
    )


def register(app: typer.Typer) -> None:
    """Attach ``calibrate`` to the ``kurzum`` CLI."""
    app.command("calibrate")(calibrate)
