"""Report files: HTML (images embedded), PDF (one page per view) or one tall PNG.

Pages are A4 portrait, for printing and reading on screen: 1 — the session
over time; 2 — the spine heat map and the spots; 3 — the trend over recent
sessions. The PNG is the three pages one below the other. Files are written
atomically (no half-written report on failure).
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from spineball import __version__
from spineball.export.formats import ExportError
from spineball.export.report.notes import note_lines
from spineball.export.report.spine import (
    SPOT_COLUMNS,
    draw_notes,
    draw_spine,
    draw_spot_table,
    spot_rows,
)
from spineball.export.report.style import Box, footer, header, key_numbers, title_line
from spineball.export.report.timeline import draw_timeline
from spineball.export.report.trends import draw_trends
from spineball.export.summary import DISCLAIMER
from spineball.sessionfile import atomic_write

if TYPE_CHECKING:
    from matplotlib.figure import Figure, SubFigure

    from spineball.export.report.data import ReportData

PAGE_IN: Final = (8.27, 11.69)  # A4 portrait
DPI: Final = 150
REPORT_SUFFIXES: Final = (".html", ".pdf", ".png")
MAIN: Final = Box(left=0.1, bottom=0.09, right=0.9, top=0.87, hspace=0.12)


def _page_timeline(fig: Figure | SubFigure, data: ReportData) -> None:
    header(fig, data, "1 · The session over time")
    draw_timeline(fig, data, MAIN)
    footer(fig)


def _page_spine(fig: Figure | SubFigure, data: ReportData) -> None:
    header(fig, data, "2 · The spine: where time was spent and where it hurt")
    draw_spine(fig, data, Box(left=0.07, bottom=0.5, right=0.97, top=0.86, wspace=0.22))
    draw_spot_table(fig, data, Box(left=0.05, bottom=0.28, right=0.95, top=0.38))
    draw_notes(fig, data, Box(left=0.05, bottom=0.05, right=0.95, top=0.26))
    footer(fig)


def _page_trends(fig: Figure | SubFigure, data: ReportData) -> None:
    count = len(data.recent)
    header(fig, data, f"3 · Trend over the last {count} session{'s' if count > 1 else ''}")
    draw_trends(fig, data, Box(left=0.1, bottom=0.1, right=0.9, top=0.86, hspace=0.3))
    footer(fig)


PAGES: Final[tuple[Callable[[Figure | SubFigure, ReportData], None], ...]] = (
    _page_timeline,
    _page_spine,
    _page_trends,
)


def _new_figure() -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ExportError(
            "spineball report needs matplotlib: pip install 'spineball[report]'"
        ) from None
    return Figure(figsize=PAGE_IN, dpi=DPI)


def page_figures(data: ReportData) -> list[Figure]:
    figures = []
    for draw in PAGES:
        fig = _new_figure()
        draw(fig, data)
        figures.append(fig)
    return figures


class Pages:
    """The report's pages, drawn once; rasterised once for every PNG use."""

    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.figures = page_figures(data)
        self._rasters: list[npt.NDArray[np.uint8]] | None = None

    def rasters(self) -> list[npt.NDArray[np.uint8]]:
        if self._rasters is None:
            self._rasters = [_raster(fig) for fig in self.figures]
        return self._rasters

    def page_pngs(self) -> list[bytes]:
        return [_encode_png(r) for r in self.rasters()]

    def tall_png(self) -> bytes:
        """All pages one below the other, as one image."""
        return _encode_png(np.concatenate(self.rasters(), axis=0))

    def pdf(self) -> bytes:
        from matplotlib.backends.backend_pdf import PdfPages

        buf = io.BytesIO()
        meta = {"Title": title_line(self.data), "Creator": f"spineball {__version__}"}
        with PdfPages(buf, metadata=meta) as pdf:
            for fig in self.figures:
                pdf.savefig(fig)
        return buf.getvalue()


def _raster(fig: Figure) -> npt.NDArray[np.uint8]:
    """The page as an (height, width, 3) RGB array (Agg, the figure's dpi)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="rgba", dpi=DPI)
    pixels = np.frombuffer(buf.getvalue(), dtype=np.uint8)
    width = int(fig.bbox.width)
    return pixels.reshape(-1, width, 4)[..., :3].copy()


def _encode_png(rgb: npt.NDArray[np.uint8]) -> bytes:
    from PIL import Image  # matplotlib's own image dependency
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Software", f"spineball {__version__}")
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG", pnginfo=info)
    return buf.getvalue()


def html_text(pages: Pages) -> str:
    data = pages.data
    images = [base64.b64encode(png).decode("ascii") for png in pages.page_pngs()]
    r = data.current.result
    esc = html.escape
    rows = "".join(
        "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in spot_rows(r)
    )
    heads = "".join(f"<th>{esc(c)}</th>" for c in SPOT_COLUMNS)
    notes = note_lines(data)
    figures = "".join(
        f'<figure><img alt="report page {i}" src="data:image/png;base64,{img}"></figure>'
        for i, img in enumerate(images, start=1)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="generator" content="spineball {esc(__version__)}">
<title>{esc(title_line(data))}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 1rem auto; color: #222; }}
.safety {{ border-left: 4px solid #c62828; padding: .4rem .8rem; background: #fdecea; }}
table {{ border-collapse: collapse; font-size: .85rem; }}
td, th {{ border: 1px solid #ccc; padding: .2rem .5rem; text-align: left; }}
img {{ width: 100%; border: 1px solid #eee; }}
</style></head><body>
<h1>{esc(title_line(data))}</h1>
<p>{esc(key_numbers(data)).replace(chr(10), "<br>")}</p>
<p class="safety">{esc(DISCLAIMER)}</p>
<ul>{"".join(f"<li>{esc(n)}</li>" for n in notes)}</ul>
<h2>Spots</h2>
<table><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>
{figures}
</body></html>
"""


def render_reports(data: ReportData, paths: Sequence[Path]) -> list[Path]:
    """Write the report once per path; the format follows each suffix (.html, .pdf, .png).

    The pages are drawn once for all of them. Each file is replaced atomically.
    """
    for path in paths:
        if path.suffix.lower() not in REPORT_SUFFIXES:
            raise ExportError(f"{path}: a report is .html, .pdf or .png")
    pages = Pages(data)
    written: list[Path] = []
    try:
        for path in paths:
            suffix = path.suffix.lower()
            if suffix == ".html":
                body = html_text(pages).encode("utf-8")
            elif suffix == ".pdf":
                body = pages.pdf()
            else:
                body = pages.tall_png()
            try:
                atomic_write(path, [body])
            except OSError as err:
                raise ExportError(f"{path}: cannot write ({err.strerror or err})") from None
            written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def render_report(data: ReportData, path: Path) -> Path:
    """Write one report file (see :func:`render_reports`)."""
    return render_reports(data, [path])[0]
