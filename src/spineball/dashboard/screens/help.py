"""The help screen (?): every key and what each panel means."""

from __future__ import annotations

from typing import ClassVar, Final

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: Final = (
    ("1–9, 0", "rate the pain at the current spot (0 means 10)"),
    ("s", "mark the current spot as sore"),
    ("l", "landmark: tell where the ball is (T1/C7, T8 at the shoulder-blade tips)"),
    ("x", "STOP: burning, tingling or electric pain — ends the session"),
    ("p", "pause / resume"),
    ("e", "end the session (asks first)"),
    ("i", "inflation assistant: pump or let air out to the advised pressure"),
    ("c", "calibrate: known weight on the ball, and the two landmarks"),
    ("h", "history: past sessions, trends per level, plan progress"),
    ("?", "this help"),
    ("q", "quit the screen (a recorder keeps recording)"),
)

PANELS: Final = (
    ("Banner", "alerts: low back (amber at T12, red past L1), pressure, link, symptom stop"),
    ("Spine", "C7 → L5, head left; ▼ is the ball, the line around it ±1σ of the position"),
    ("", "rows below: time spent and pain (first→latest) at each level; red = lumbar"),
    ("Spot", "time on this spot; pain first → now against the target (−⅓); side bends"),
    ("Load", "weight on the ball (kg) over the last minute; ball pressure above the air (kPa)"),
    ("Today", "time on the ball against today's plan (2–3 min at first, 4–5 after weeks)"),
    ("Inflation", "advice from your sessions: keep, pump up or let air out"),
    ("Ball", "link: signal, samples lost, reconnects, samples still to fetch, battery"),
    ("Cues", "the recorder's sound/voice cues and analysis notes, newest first"),
)


def help_text() -> str:
    lines = ["[b]Keys[/b]"]
    lines += [f"  [b]{key:<7}[/b] {what}" for key, what in KEYS]
    lines += ["", "[b]Panels[/b]"]
    lines += [f"  [b]{name:<9}[/b] {what}" for name, what in PANELS]
    lines += [
        "",
        "Exercise guidance, not diagnosis. Check with a doctor before starting;",
        "stop and see one on burning, tingling or electric pain. Never use the ball",
        "under the lumbar spine. These two alerts can never be hidden.",
    ]
    return "\n".join(lines)


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
