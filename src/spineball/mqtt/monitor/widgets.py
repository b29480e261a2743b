"""Small widgets of the monitor. Styles live in monitor.tcss; these only set text and classes."""

from __future__ import annotations

import time
from typing import Final

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from spineball.mqtt.connection import LinkStatus
from spineball.mqtt.fleet import AlertLine, BallRow

#: column title and width; 78 characters fit an 80-column terminal with the scrollbar gutter
COLUMNS: Final = (
    ("Room", 12),
    ("Person", 8),
    ("Level", 5),
    ("Spot", 5),
    ("Pain", 7),
    ("Load", 6),
    ("Batt", 4),
    ("Status", 24),
)


def _line(cells: tuple[str, ...]) -> str:
    out = []
    for (_title, width), cell in zip(COLUMNS, cells, strict=True):
        text = cell if len(cell) <= width else cell[: width - 1] + "…"
        out.append(text.ljust(width))
    return " ".join(out).rstrip()


def row_text(row: BallRow) -> str:
    return _line(
        (row.room, row.person, row.level, row.spot, row.pain, row.load, row.battery, row.note)
    )


class BallLine(Static):
    """One ball: a single line, classed by status (-live/-stale/-offline) and attention."""

    def show(self, row: BallRow) -> None:
        self.update(row_text(row))
        for status in ("live", "stale", "offline"):
            self.set_class(row.status == status, f"-{status}")
        self.set_class(row.attention == "amber", "-amber")
        self.set_class(row.attention == "red", "-red")


class BallTable(VerticalScroll):
    """The column header and one BallLine per ball, keyed by ball id."""

    def compose(self) -> ComposeResult:
        yield Static(_line(tuple(title for title, _w in COLUMNS)), classes="columns")
        yield Static("waiting for balls…", classes="empty")

    def show(self, rows: list[BallRow]) -> None:
        wanted = {f"ball-{row.ball_id}" for row in rows}
        for line in list(self.query(BallLine)):
            if line.id not in wanted:
                line.remove()
        self.query_one(".empty", Static).display = not rows
        previous: BallLine | None = None
        for row in rows:
            key = f"ball-{row.ball_id}"
            found = self.query(f"#{key}")
            if found:
                line = found.first(BallLine)
            else:
                line = BallLine(id=key)
                if previous is None:
                    self.mount(line, after=self.query_one(".empty"))
                else:
                    self.mount(line, after=previous)
            line.show(row)
            previous = line

    def line(self, ball_id: str) -> BallLine:
        return self.query_one(f"#ball-{ball_id}", BallLine)


class AlertLog(Static):
    """The latest alerts, newest first."""

    def show(self, alerts: list[AlertLine], limit: int = 4) -> None:
        if not alerts:
            self.update("no alerts")
            self.remove_class("-active")
            return
        lines = []
        for item in alerts[:limit]:
            clock = time.strftime("%H:%M:%S", time.localtime(item.alert.ts_unix_s))
            where = item.room or item.ball_id
            lines.append(f"{clock} {where}: {item.alert.message}")
        self.update("\n".join(lines))
        self.add_class("-active")


class LinkBar(Static):
    """The monitor's own broker connection."""

    def show(self, host: str, status: LinkStatus, balls: int) -> None:
        if status.connected:
            self.update(f"● broker {host} connected · {balls} ball{'s' if balls != 1 else ''}")
        elif status.last_error:
            self.update(f"○ {status.last_error}; retrying")
        else:
            self.update(f"○ connecting to broker {host}…")
        self.set_class(not status.connected, "-down")
