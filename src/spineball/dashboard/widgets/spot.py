"""The current spot: level and time on it in big characters, pain against the target, bends.

The exercise (seed text): stay on a sore spot until the pain drops by about
a third (6 → 4), bending to both sides while extended. A stay counts as a
spot after 8 s (interchange contract).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from spineball.analysis.live import LiveSnapshot
from spineball.dashboard.format import clock
from spineball.dashboard.widgets.bigtext import BigText
from spineball.dashboard.widgets.panels import Line


def spot_lines(snap: LiveSnapshot | None) -> Text:
    """Up to four short lines: what is happening, the pain, the side bends, a hint."""
    if snap is None:
        return Text("Waiting for the ball…", "dim")
    if not snap.on_ball:
        return Text.assemble(
            ("Off the ball\n", "bold"),
            ("Lie back on it below the neck,\nhands behind the head.", "dim"),
        )
    where = snap.level or "?"
    if snap.lumbar != "ok":  # never invite a stay near the lumbar spine
        return Text.assemble(
            (f"{'Low back' if snap.lumbar == 'red' else 'Near the low back'} · {where}\n", "bold"),
            ("Roll back up towards the\nshoulder blades.", "bold yellow"),
        )
    if snap.still_s is None:
        return Text.assemble(
            (f"Rolling · {where}\n", "bold"), ("Stop and stay on a\ntight or sore spot.", "dim")
        )
    head = (f"Spot at {where}\n", "bold") if snap.in_spot else (f"Settling at {where}\n", "bold")
    lines = Text.assemble(head, _pain_line(snap))
    if snap.in_spot:
        lines.append("\n")
        lines.append_text(_bend_line(snap))
    else:
        lines.append("\na spot after 8 s still", "dim")
    return lines


def _pain_line(snap: LiveSnapshot) -> Text:
    if snap.pain_first is None or snap.pain_target is None:
        return Text.assemble("Pain? ", ("press 1–9 (0=10)", "bold yellow"))
    now = snap.pain_now if snap.pain_now is not None else snap.pain_first
    line = Text.assemble(
        "Pain ", (f"{snap.pain_first}→{now}", "bold"), " target ", (f"{snap.pain_target}", "bold")
    )
    if snap.pain_target_met:
        line.append(" ✓", "bold green3")
    return line


def _bend_line(snap: LiveSnapshot) -> Text:
    done = set(snap.sides_done)
    if done >= {"left", "right"}:
        return Text.assemble("Bends ", ("✓ left ✓ right", "green3"))
    if not done:
        return Text.assemble("Bends ", ("to both sides", "yellow"))
    side = snap.side_missing or ("right" if "left" in done else "left")
    return Text.assemble(
        "Bends ",
        (f"✓{next(iter(done))[0].upper()} ", "green3"),
        (f"now {side.upper()}", "bold yellow"),
    )


class SpotCard(Vertical):
    """Big level and timer (level only on tall screens) with the lines beside or below."""

    def compose(self) -> ComposeResult:
        self._level = BigText("", id="spot-level")
        self._timer = BigText("-:--", id="spot-clock")
        self._text = Line(id="spot-text")
        with Horizontal(id="spot-big"):
            yield self._level
            yield self._timer
        yield self._text

    def show(self, snap: LiveSnapshot | None) -> None:
        on = snap is not None and snap.on_ball
        calm = snap is not None and snap.lumbar == "ok"
        still = snap.still_s if snap is not None and on and calm else None
        timer = self._timer
        timer.show(clock(still) if still is not None else "-:--")
        timer.set_class(snap is not None and snap.in_spot, "-spot")
        level = self._level
        level.show(snap.level if snap is not None and on and snap.level else "")
        level.set_class(snap is not None and snap.lumbar != "ok", "-lumbar")
        title = f"Spot · {snap.level}" if snap is not None and on and snap.level else "Spot"
        if self.border_title != title:
            self.border_title = title
        self._text.put(spot_lines(snap))
