"""`spineball report` on a simulated week: the files exist, are complete and readable."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image

from spineball.cli import main
from spineball.export.report import report_data
from spineball.export.report.notes import note_lines
from spineball.export.report.style import key_numbers
from spineball.sessionfile import SessionData
from spineball.store import Database, import_session
from tests.export.builders import import_week, stopped_session

A4_RATIO = 11.69 / 8.27


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("report")
    db_path = folder / "s.db"
    with Database.open(db_path) as db:
        ids = import_week(db)
        stop = stopped_session()
        import_session(db, SessionData(stop.meta, stop.samples))
    for suffix in ("html", "pdf", "png"):
        result = run(
            "report", ids[-1], "-o", folder / f"week.{suffix}", "--person", "J.D.", "--db", db_path
        )
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == str(folder / f"week.{suffix}")
    return folder, db_path


def test_png_is_one_tall_image_of_three_pages(reports: tuple[Path, Path]) -> None:
    path = reports[0] / "week.png"
    assert path.stat().st_size > 200_000
    with Image.open(path) as image:
        width, height = image.size
        assert width >= 1200
        assert height / width == pytest.approx(3 * A4_RATIO, rel=0.01)
        # Not blank: many distinct colours (plots, heat map, text).
        colours = image.convert("RGB").resize((300, 600)).getcolors(maxcolors=1_000_000)
        assert colours is not None
        assert len(colours) > 500


def test_pdf_has_three_pages(reports: tuple[Path, Path]) -> None:
    data = (reports[0] / "week.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) == 3
    assert len(data) > 50_000


def test_html_embeds_its_images(reports: tuple[Path, Path]) -> None:
    text = (reports[0] / "week.html").read_text(encoding="utf-8")
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert len(images) == 3
    for encoded in images:
        with Image.open(io.BytesIO(base64.b64decode(encoded))) as image:
            assert image.size[0] >= 1200
            assert image.size[1] / image.size[0] == pytest.approx(A4_RATIO, rel=0.01)
    assert 'src="http' not in text
    assert "<link" not in text
    assert "person J.D." in text
    assert "not diagnosis" in text
    assert "<td>T" in text  # the spot table


def test_stopped_session_notes_say_stop(reports: tuple[Path, Path]) -> None:
    with Database.open(reports[1]) as db:
        data = report_data(db, 8)
    notes = note_lines(data)
    assert notes[0].startswith("STOP at")
    assert "tingling" in notes[0]
    assert "see a doctor" in notes[0]
    assert "STOPPED: tingling" in key_numbers(data)


def test_bad_requests(reports: tuple[Path, Path], tmp_path: Path) -> None:
    _, db_path = reports
    missing = run("report", "42", "-o", tmp_path / "r.html", "--db", db_path)
    assert missing.exit_code == 1
    assert "no session 42" in missing.stderr
    wrong = run("report", "1", "-o", tmp_path / "r.svg", "--db", db_path)
    assert wrong.exit_code == 2
    exists = run("report", "1", "-o", reports[0] / "week.pdf", "--db", db_path)
    assert exists.exit_code == 1
    assert "--force" in exists.stderr
    assert list(tmp_path.iterdir()) == []


def test_without_matplotlib_the_error_says_what_to_install(reports: tuple[Path, Path]) -> None:
    _, db_path = reports
    code = (
        "import sys; sys.modules['matplotlib'] = None; from spineball.cli import main; "
        f"main(['report', '1', '--db', {str(db_path)!r}])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "spineball: error: spineball report needs matplotlib: pip install 'spineball[report]'"
    )
