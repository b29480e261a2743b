"""Pair: find balls nearby, pair one (its pairing window), forget one.

Shown when no recorder could start (no ball paired yet, or none in reach).
The ball accepts pairing only while its pairing window is open: hold its
button for 3 s until the light blinks blue (or in the first minutes after
switching it on, before it has paired with anything).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer

from spineball.dashboard.connect import BallFinder, ConnectError
from spineball.dashboard.context import DashContext
from spineball.dashboard.widgets.panels import AlertBanner, Line, StatusBar
from spineball.session.api import BallInfo

HOLD_BUTTON = (
    "To pair: hold the ball's button for 3 s until its light blinks blue (the pairing "
    "window stays open 2 minutes), then press Enter on the ball here."
)


class PairScreen(Screen[str | None]):
    """Dismissed with the address of the ball to record from (None: give up)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "pair", "Pair / use"),
        Binding("r", "rescan", "Scan again"),
        Binding("f", "forget", "Forget"),
        Binding("escape", "cancel", "Back"),
    ]

    def __init__(self, ctx: DashContext, finder: BallFinder, problem: str = "") -> None:
        super().__init__()
        self.ctx = ctx
        self.finder = finder
        self.problem = problem
        self.balls: list[BallInfo] = []
        self.busy = False

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield AlertBanner(id="banner")
        with Vertical(id="tool-body"):
            yield Line(id="pair-problem", classes="error")
            yield Line(id="pair-help")
            yield DataTable(id="pair-balls", cursor_type="row", zebra_stripes=True)
            yield Line(id="pair-progress")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#tool-body").border_title = "Pair a ball"
        table = self.query_one(DataTable)
        for name in ("name", "address", "signal", "battery", "paired", "pairing window"):
            table.add_column(name, key=name)
        if self.problem:
            self.query_one("#pair-problem", Line).put(f"Could not start recording: {self.problem}")
        self.query_one("#pair-help", Line).put(HOLD_BUTTON)
        self.redraw(self.ctx.clock())
        self.rescan()

    def redraw(self, now: float) -> None:
        view = self.ctx.view
        self.query_one(StatusBar).show(view.update, self.ctx.source, self.size.width)
        self.query_one(AlertBanner).show(view.alerts(now, self.ctx.settings.hide_alerts))

    def _progress(self, message: str, ok: bool | None = None) -> None:
        if not self.is_attached:
            return
        style = "" if ok is None else "bold green3" if ok else "bold yellow"
        self.query_one("#pair-progress", Line).put(Text(message, style))

    # ------------------------------------------------------------------ scanning

    @work(exclusive=True, group="radio")
    async def rescan(self) -> None:
        self.busy = True
        self._progress("Scanning for balls…")
        try:
            self.balls = await self.finder.scan()
        except ConnectError as err:
            self._progress(f"Scanning failed: {err}", ok=False)
            return
        finally:
            self.busy = False
        if not self.is_attached:  # dismissed meanwhile
            return
        self._fill(self.balls)
        if self.balls:
            self._progress(f"{len(self.balls)} found. Enter pairs (or uses) the highlighted ball.")
        else:
            self._progress("No ball found: is it switched on and within a few metres?", ok=False)

    def _fill(self, balls: list[BallInfo]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for ball in balls:
            table.add_row(
                ball.name or "–",
                ball.address,
                "–" if ball.rssi_dbm is None else f"{ball.rssi_dbm} dBm",
                "–" if ball.battery_pct is None else f"{ball.battery_pct} %",
                Text("yes", "green3") if ball.paired else "no",
                Text("open", "bold bright_cyan") if ball.pairing_open else "closed",
                key=ball.address,
            )

    def _selected(self) -> BallInfo | None:
        table = self.query_one(DataTable)
        if not self.balls or table.cursor_row < 0 or table.cursor_row >= len(self.balls):
            return None
        return self.balls[table.cursor_row]

    # ------------------------------------------------------------------ keys

    def action_rescan(self) -> None:
        if not self.busy:
            self.rescan()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row of the list (the table has the keyboard)."""
        event.stop()
        self.action_pair()

    def action_pair(self) -> None:
        ball = self._selected()
        if ball is None or self.busy:
            return
        if ball.paired:
            self.dismiss(ball.address)
            return
        self._pair(ball)

    @work(exclusive=True, group="radio")
    async def _pair(self, ball: BallInfo) -> None:
        self.busy = True
        label = ball.name or ball.address
        self._progress(f"Pairing with {label}… hold its button 3 s until the light blinks blue")
        try:
            name = await self.finder.pair(ball.address, say=lambda m: self._progress(m))
        except ConnectError as err:
            self._progress(f"Pairing failed: {err}", ok=False)
            return
        finally:
            self.busy = False
        self._progress(f"Paired with {name}: starting the recording…", ok=True)
        self.dismiss(ball.address)

    def action_forget(self) -> None:
        ball = self._selected()
        if ball is not None and not self.busy:
            self._forget(ball)

    @work(exclusive=True, group="radio")
    async def _forget(self, ball: BallInfo) -> None:
        self.busy = True
        self._progress(f"Forgetting {ball.name or ball.address}…")
        try:
            notes = await self.finder.forget(ball.address)
        except ConnectError as err:
            self._progress(f"Forgetting failed: {err}", ok=False)
            return
        finally:
            self.busy = False
        self._progress("Forgotten. " + " ".join(notes), ok=True)
        self.rescan()

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)
