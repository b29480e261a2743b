"""``spineball report``: a stored session as HTML, PDF or PNG, for you or your clinician."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from spineball.cli.errors import fail
from spineball.cli.store_option import db_option, open_db


@click.command()
@click.argument("session_id", type=int, metavar="SESSION")
@click.option(
    "-o",
    "--output",
    "outputs",
    type=click.Path(dir_okay=False, path_type=Path),
    multiple=True,
    metavar="FILE",
    help="report.html (images embedded), report.pdf (pages) or report.png (one tall "
    "image); repeat for several. Default: START-BALL.report.html here.",
)
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@click.option(
    "--person",
    default=None,
    metavar="ALIAS",
    help="Alias shown on the report (default: [user] alias).",
)
@db_option
def report(
    session_id: int,
    outputs: tuple[Path, ...],
    force: bool,
    person: str | None,
    db_path: Path | None,
) -> None:
    """Plot a stored session: load over time with spots and lumbar alerts, a spine heat
    map of time and pain per vertebra, and the trend over recent sessions.

    Needs matplotlib (pip install 'spineball[report]'). Exercise guidance, not diagnosis.
    """
    try:
        import matplotlib  # noqa: F401  (the [report] extra)
    except ImportError:
        fail("spineball report needs matplotlib: pip install 'spineball[report]'")
    from spineball.cli.person import alias_for
    from spineball.export.formats import ExportError
    from spineball.export.report import REPORT_SUFFIXES, render_reports, report_data
    from spineball.store import StoreError

    for output in outputs:
        if output.suffix.lower() not in REPORT_SUFFIXES:
            raise click.UsageError(f"-o {output}: a report is .html, .pdf or .png")
    with open_db(db_path) as db:
        try:
            row = db.session(session_id)
        except StoreError as err:
            fail(f"{err} (see 'spineball sessions')")
        if row.samples == 0:
            fail(f"session {session_id} has no samples")
        from spineball.export.stored import default_stem

        targets = list(outputs) or [Path(f"{default_stem(row)}.report.html")]
        for target in targets:
            if target.exists() and not force:
                fail(f"{target} exists (use --force to replace it)")
        try:
            data = report_data(db, session_id)
            data = replace(data, person=alias_for(person, [data.current.stored]))
            written = render_reports(data, targets)
        except (ExportError, StoreError) as err:
            fail(str(err))
    for path in written:
        click.echo(str(path))
