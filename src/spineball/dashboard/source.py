"""Where the dashboard's data comes from, for the status bar and the quit message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class SourceInfo:
    kind: Literal["recorder", "replay"]
    label: str  # the ball's name, or the replayed file
    keeps_recording: bool = False  # quitting the screen leaves the recording running
    stops_after_s: float | None = None  # a recording that ends by itself (a virtual ball)

    @property
    def quit_note(self) -> str:
        if not self.keeps_recording:
            return ""
        note = "The recording goes on in the background; run spineball dash to see it again"
        if self.stops_after_s is not None:
            note += f" (it stops by itself {self.stops_after_s / 60:.0f} minutes after it began)"
        return note + "."
