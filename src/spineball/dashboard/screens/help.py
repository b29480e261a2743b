"""The help screen (?): every key and what each panel means."""

from __future__ import annotations

from typing import ClassVar, Final

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: Final = (
    ("1–9 0", "rate the pain at this spot (0 = 10)"),
    ("s", "mark this spot as sore"),
    ("l", "landmark: the ball is under T1/C7, or T8 (shoulder-blade tips)"),
    ("x", "STOP: burning, tingling or electric pain — ends the session"),
    ("p", "pause / resume"),
    ("e", "end the session (asks first)"),
    ("i", "inflation assistant: pump or let air out to the target"),
    ("c", "calibrate: a known weight on the ball; the landmarks"),
    ("h", "history: past sessions, pain per level, the plan"),
    ("?", "this help"),
    ("q", "quit the screen (a recorder keeps recording)"),
)

PANELS: Final = (
    ("Banner", "alerts: low back (amber at T12, red past L1), pressure, link, STOP"),
    (
        "Spine",
        "C7 → L5, head on the left; ▼ the ball, ── its uncertainty (±1σ); below: "
        "time and pain (first→latest) at each level; red: lumbar",
    ),
    ("Spot", "time on this spot, pain against the target (a third lower), side bends"),
    ("Load", "weight on the ball (kg), last minute; ball pressure above the air (kPa)"),
    ("Today", "time on the ball against today's plan (2–3 min, later 4–5)"),
    ("Inflation", "keep, pump up or let air out, from your sessions"),
    ("Ball", "the link: signal, samples lost, reconnects, battery"),
    ("Cues", "the recorder's cues and notes, newest first"),
)

SAFETY: Final = (
    "Exercise guidance, not diagnosis. Check with a doctor before starting; stop and see one "
    "on burning, tingling or electric pain. Never use the ball under the lumbar spine. These "
    "two alerts can never be hidden."
)


def help_table(rows: tuple[tuple[str, str], ...]) -> Table:
    """Two columns; long explanations wrap under themselves, not under the key."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for key, what in rows:
        table.add_row(key, what)
    return table


def help_text() -> Group:
    return Group(
        Text("Keys", "bold underline"),
        help_table(KEYS),
        Text(""),
        Text("Panels", "bold underline"),
        help_table(PANELS),
        Text(""),
        Text(SAFETY, "italic"),
    )


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,enter", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog -wide"):
            yield Static("spineball — keys and panels", classes="dialog-title")
            yield Static(help_text())

    def action_close(self) -> None:
        self.dismiss(None)
