"""History: past sessions, the first pain rating per level over time, and the plan.

Loading reads and analyses the stored sessions, which takes a moment: it runs
in a worker thread and the screen shows its progress meanwhile.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Final

from rich.console import Group, JustifyMethod
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from spineball.dashboard.context import DashContext
from spineball.dashboard.format import clock
from spineball.dashboard.history import History, load_history
from spineball.dashboard.widgets.panels import AlertBanner, Line, StatusBar

TREND_COLUMNS: Final = 10  # the last ten sessions fit 80 columns


def sessions_table(history: History) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False, expand=False)
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("date", "left"),
        ("on ball", "right"),
        ("plan", "right"),
        ("spots", "right"),
        ("pain", "right"),
        ("target", "right"),
        ("low back", "right"),
        ("advice", "left"),
    )
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=True)
    for row in reversed(history.rows):  # newest first
        pain = "–" if row.mean_first_pain is None else f"{row.mean_first_pain:.1f}"
        target = "–" if not row.rated else f"{row.targets_met}/{row.rated}"
        low_back = Text(str(row.lumbar_alerts), "bold red" if row.lumbar_alerts else "")
        advice = Text("STOP: doctor", "bold red") if row.symptom else Text(row.advice)
        table.add_row(
            datetime.fromtimestamp(row.started_at).strftime("%d %b %H:%M"),
            clock(row.on_ball_s),
            clock(row.target_s),
            f"{row.spots} ({row.sore})",
            pain,
            target,
            low_back,
            advice,
        )
    return table


def trend_table(history: History) -> Table:
    """Rows: levels; columns: the last sessions; cells: the first pain rating there."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    n = min(len(history.rows), TREND_COLUMNS)
    table.add_column("level")
    for row in history.rows[-n:]:
        table.add_column(datetime.fromtimestamp(row.started_at).strftime("%d.%m"), justify="center")
    for level, ratings in history.first_pain.items():
        recent = ratings[-n:]
        if not any(r is not None for r in recent):
            continue
        cells = [
            Text("·", "grey42")
            if r is None
            else Text(str(r), "bold red" if r >= 7 else "yellow" if r >= 4 else "green3")
            for r in recent
        ]
        table.add_row(level, *cells)
    return table


def plan_text(history: History) -> Text:
    plan = history.plan
    if plan is None:
        return Text("")
    return Text.assemble(
        ("Next session ", "bold"),
        f"#{plan.session_number}: about {clock(plan.target_s)} on the ball "
        f"({clock(plan.low_s)}–{clock(plan.high_s)}); the plan grows from 2–3 to 4–5 minutes "
        "over about three weeks of practice.\n",
        ("Inflation ", "bold"),
        history.advice_reason,
    )


class HistoryScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,h", "back", "Back"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, ctx: DashContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.history: History | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield AlertBanner(id="banner")
        with VerticalScroll(id="history-body"):
            yield Line(id="history-status")
            yield Static(id="history-sessions")
            yield Static(id="history-trend")
            yield Static(id="history-plan")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#history-body").border_title = "History"
        self.redraw(self.ctx.clock())
        self.load()

    @work(thread=True, exclusive=True, group="history")
    def load(self) -> None:
        self.app.call_from_thread(self._progress, 0, 0)
        history = load_history(
            self.ctx.db_path,
            progress=lambda i, n: self.app.call_from_thread(self._progress, i, n),
        )
        self.app.call_from_thread(self._show, history)

    def _progress(self, done: int, total: int) -> None:
        what = f" {done + 1} of {total}" if total else ""
        self.query_one("#history-status", Line).put(f"Loading sessions{what}…")

    def _show(self, history: History) -> None:
        self.history = history
        status = self.query_one("#history-status", Line)
        if history.message:
            status.put(history.message)
            return
        status.put(Text(f"{len(history.rows)} sessions, newest first", "dim"))
        self.query_one("#history-sessions", Static).update(sessions_table(history))
        trend = trend_table(history)
        if trend.row_count:
            title = Text.assemble(("\nFirst pain rating per level", "bold"), " (· = none rated)")
            self.query_one("#history-trend", Static).update(Group(title, trend))
        self.query_one("#history-plan", Static).update(Text("\n") + plan_text(history))

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)

    def redraw(self, now: float) -> None:
        view = self.ctx.view
        self.query_one(StatusBar).show(view.update, self.ctx.source, self.size.width)
        self.query_one(AlertBanner).show(view.alerts(now, self.ctx.settings.hide_alerts))
