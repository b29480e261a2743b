"""Where the dashboard's data comes from, for the status bar and the quit message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class SourceInfo:
    kind: Literal["recorder", "replay"]
    label: str  # the ball's name, or the replayed file
    keeps_recording: bool = False  # quitting the screen leaves the recording running

    @property
    def quit_note(self) -> str:
        if self.keeps_recording:
            return "The recording goes on in the background; run spineball dash to see it again."
        return ""
