"""One-line panels: status bar, alert banner, plan, inflation advice, link, cues.

Each widget keeps the text it last showed and updates only when it changes,
so a redraw tick that changes nothing costs nothing. Styles live in
dashboard.tcss; these only set text and classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

from spineball.analysis.advice import KPA_PER_STROKE, Advice
from spineball.analysis.plan import DailyPlan
from spineball.dashboard.alerts import Alert
from spineball.dashboard.format import clock, plural
from spineball.dashboard.source import SourceInfo
from spineball.session.api import CueNote, LinkState, SessionUpdate

GUIDANCE = "exercise guidance, not diagnosis"

CALM = "✓ No alerts · never the low back · x: burning, tingling or electric pain"

#: the exercise in brief (seed text), filling the cue panel while it has room
EXERCISE_TIPS = (
    "Hands behind the head, neck in neutral; roll slowly down the upper back.",
    "On a sore spot: stay, let the back extend over the ball, rate the pain.",
    "Bend to both sides while extended; stay until the pain drops by a third.",
    "2–3 minutes a day at first, working up to 4–5 over a few weeks.",
    "Never over the low back. Stop and see a doctor on burning, tingling or electric pain.",
)


class Line(Widget):
    """Text that repaints only when it changes, and re-lays out only when its line count does.

    (Static.update lays the whole screen out again each time; at 10–20 redraws a
    second that would cost more than everything else together.)
    """

    DEFAULT_CSS = "Line { height: auto; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: object = None
        self._content: Text = Text()

    def put(self, content: str | Text, key: object = None) -> None:
        key = content if key is None else key
        if key == self._shown:
            return
        self._shown = key
        text = Text(content) if isinstance(content, str) else content
        relayout = text.plain.count("\n") != self._content.plain.count("\n")
        self._content = text
        self.refresh(layout=relayout)

    @property
    def text(self) -> Text:
        return self._content

    def render(self) -> Text:
        return self._content


def _state_chip(update: SessionUpdate | None, source: SourceInfo) -> tuple[str, str]:
    if update is None:
        return "… CONNECTING", "-waiting"
    if update.state == "paused":
        return "❚❚ PAUSED", "-paused"
    if update.state == "ended":
        return "■ ENDED", "-ended"
    if update.state == "waiting":
        return "… WAITING FOR THE BALL", "-waiting"
    return ("▶ REPLAY" if source.kind == "replay" else "● REC"), "-recording"


class StatusBar(Line):
    """State, session clock and source on the left; the guidance line on the right."""

    def show(self, update: SessionUpdate | None, source: SourceInfo, width: int) -> None:
        chip, state = _state_chip(update, source)
        for cls in ("-recording", "-paused", "-ended", "-waiting"):
            self.set_class(cls == state, cls)
        t = clock(update.snapshot.t_s) if update is not None else "–:––"
        left = Text.assemble((f" {chip} ", "bold reverse"), f"  {t}  ", (source.label, "dim"))
        right = Text(f"{GUIDANCE} ", style="italic")
        gap = width - left.cell_len - right.cell_len
        if gap < 2:
            right = Text("guidance, not diagnosis ", style="italic")
            gap = width - left.cell_len - right.cell_len
        line = Text.assemble(left, " " * max(gap, 1), right) if gap >= 1 else left
        self.put(line, (chip, t, source.label, width))


class AlertBanner(Line):
    """Full width: one calm line, or three loud lines for the most severe alert.

    Colour, an icon and words together — never colour alone.
    """

    ICONS: ClassVar[dict[str, str]] = {"stop": "■", "alarm": "⚠", "warning": "▲", "notice": "●"}

    def show(self, alerts: Sequence[Alert]) -> None:
        for level in ("stop", "alarm", "warning", "notice"):
            self.set_class(bool(alerts) and alerts[0].severity == level, f"-{level}")
        self.set_class(not alerts, "-calm")
        if not alerts:
            self.put(CALM)
            return
        top = alerts[0]
        more = f"   +{plural(len(alerts) - 1, 'more alert')}" if len(alerts) > 1 else ""
        text = Text.assemble(
            (f"{self.ICONS[top.severity]} {top.title}", "bold"), (more, "italic"), "\n", top.detail
        )
        self.put(text, tuple(alerts))


class PlanBar(Line):
    """Today's time on the ball against the daily plan."""

    def show(self, plan: DailyPlan | None, width: int) -> None:
        if plan is None:
            self.put("Today: –")
            return
        head = f"Today {clock(plan.done_s)} of {clock(plan.target_s)} on the ball "
        if plan.done_s >= plan.high_s:
            tail = f" ✓ enough for today ({clock(plan.low_s)}–{clock(plan.high_s)})"
        elif plan.done_s >= plan.low_s:
            tail = f" ✓ in today's range ({clock(plan.low_s)}–{clock(plan.high_s)})"
        else:
            tail = f" session {plan.session_number}"
        room = max(width - len(head) - len(tail) - 2, 4)
        filled = round(min(plan.progress, 1.0) * room)
        bar = Text.assemble(
            head,
            "▕",
            ("█" * filled, "green3" if plan.done_s >= plan.low_s else "bright_cyan"),
            ("░" * (room - filled), "grey35"),
            "▏",
            (tail, "green3" if plan.done_s >= plan.low_s else "dim"),
        )
        self.put(bar, (head, tail, filled, room))


class AdviceLine(Line):
    """The inflation advice, in words and pump strokes."""

    def show(self, advice: Advice | None) -> None:
        self.set_class(advice is not None and advice.action != "keep", "-act")
        if advice is None:
            self.put("Inflation: –")
        elif advice.action == "keep":
            self.put(f"Inflation: keep it — {advice.reason}")
        else:
            strokes = max(round(abs(advice.delta_kpa) / KPA_PER_STROKE), 1)
            verb = (
                f"pump {advice.delta_kpa:+.1f} kPa (about {plural(strokes, 'stroke')})"
                if advice.action == "increase"
                else f"let air out {advice.delta_kpa:+.1f} kPa"
            )
            self.put(f"Inflation: {verb} — {advice.reason}. Press i to do it.")


class LinkPanel(Line):
    """How the connection to the ball is doing."""

    def show(self, link: LinkState | None, source: SourceInfo, speed: float | None) -> None:
        bad = link is not None and link.phase in ("reconnecting", "failed", "stopped")
        self.set_class(bad, "-bad")
        if source.kind == "replay":
            pace = f" · speed ×{speed:g}" if speed is not None else ""
            self.put(f"Replay of {source.label}{pace} · no ball connected")
            return
        if link is None:
            self.put("Ball: connecting…")
            return

        def opt(value: object, unit: str) -> str:
            return "–" if value is None else f"{value}{unit}"

        name = link.name or link.address
        parts = [
            f"Ball {name}" if name else "Ball not found yet",
            link.phase,
            f"signal {opt(link.rssi_dbm, ' dBm')}",
            f"loss {link.loss_pct:.1f} %",
        ]
        # counts that only matter when something happened
        if link.reconnects:
            parts.append(plural(link.reconnects, "reconnect"))
        if link.backfill_pending:
            parts.append(f"{link.backfill_pending} samples to fetch")
        if link.gaps_s:
            parts.append(f"{link.gaps_s:.1f} s lost")
        parts.append(f"battery {opt(link.battery_pct, ' %')}")
        if link.error:
            parts.append(link.error)
        self.put(" · ".join(parts))


class CueList(Line):
    """The newest cues first, then the analysis's warnings (dim)."""

    def show(self, cues: Sequence[CueNote], warnings: Sequence[str], rows: int) -> None:
        out = Text(no_wrap=True, overflow="ellipsis")
        lines = 0
        for cue in reversed(cues):
            if lines >= rows:
                break
            style = {"urgent": "bold red", "normal": "", "info": "dim"}[cue.priority]
            out.append(f"{clock(cue.t_s)}  ", "dim")
            out.append(cue.text + "\n", style)
            lines += 1
        for warning in warnings:
            if lines >= rows:
                break
            out.append(f"note: {warning}\n", "dim italic")
            lines += 1
        for tip in EXERCISE_TIPS:
            if lines >= rows:
                break
            out.append(tip + "\n", "dim")
            lines += 1
        out.rstrip()
        self.put(out, (tuple(cues), tuple(warnings), rows))
