"""The user's inputs as store events: every input is recorded, so the session tells its story.

Contract kinds (pain, sore, landmark, symptom, note) are the interchange
contract's events and also feed the live analysis; pause/resume/end and the
assistant's start are notes (``data.input`` names the input) so an exported
session shows them; the inflation assistant's result is an ``inflation``
event with the new rest gauge pressure.
"""

from __future__ import annotations

from spineball.analysis.safety import SYMPTOM_ADVICE
from spineball.session.api import (
    AddNote,
    EndSession,
    MarkLandmark,
    MarkSore,
    Pause,
    RatePain,
    ReportSymptom,
    Resume,
    SetCalibration,
    SetCues,
    StartInflation,
    StopInflation,
    UserInput,
)
from spineball.sessionfile import EVENT_KINDS, Event
from spineball.store import StoredEvent


def _note(t_s: float, text: str, name: str, **data: object) -> StoredEvent:
    return StoredEvent(t_s, "note", value=text, data={"input": name, **data})


def _cues_text(message: SetCues) -> str:
    parts = []
    if message.enabled is not None:
        parts.append("cues on" if message.enabled else "cues off")
    if message.volume is not None:
        parts.append(f"volume {round(message.volume * 100)} %")
    if message.voice is not None:
        parts.append(f"voice {message.voice}")
    return "cue settings: " + (", ".join(parts) or "unchanged")


def events_for(
    message: UserInput, t_s: float, *, gauge_kpa: float | None = None
) -> list[StoredEvent]:
    """The events one input leaves in the store (ValueError for an invalid one)."""
    if isinstance(message, RatePain):
        if not 1 <= message.value <= 10:
            raise ValueError(f"pain rating {message.value} is not 1–10")
        return [StoredEvent(t_s, "pain", value=message.value)]
    if isinstance(message, MarkSore):
        return [StoredEvent(t_s, "sore")]
    if isinstance(message, MarkLandmark):
        return [StoredEvent(t_s, "landmark", level=message.level)]
    if isinstance(message, ReportSymptom):
        return [
            StoredEvent(t_s, "symptom", value=message.symptom),
            StoredEvent(t_s, "alert", value="symptom_stop", data={"advice": SYMPTOM_ADVICE}),
        ]
    if isinstance(message, AddNote):
        if not message.text.strip():
            raise ValueError("an empty note")
        return [StoredEvent(t_s, "note", value=message.text)]
    if isinstance(message, Pause):
        return [_note(t_s, "paused", "pause")]
    if isinstance(message, Resume):
        return [_note(t_s, "resumed", "resume")]
    if isinstance(message, EndSession):
        return [_note(t_s, "session ended", "end")]
    if isinstance(message, StartInflation):
        target = "advised" if message.target_kpa is None else f"{message.target_kpa:.1f} kPa"
        return [_note(t_s, f"inflation assistant started (target {target})", "inflation")]
    if isinstance(message, StopInflation):
        if gauge_kpa is None:
            return [_note(t_s, "inflation assistant stopped", "inflation")]
        return [StoredEvent(t_s, "inflation", value=round(gauge_kpa, 2))]
    if isinstance(message, SetCalibration):
        points = [{"load_n": p.load_n, "pressure_pa": p.pressure_pa} for p in message.points]
        text = f"load calibration taken ({len(points)} points)"
        return [_note(t_s, text, "calibration", points=points)]
    return [_note(t_s, _cues_text(message), "cues")]


def contract_event(event: StoredEvent) -> Event | None:
    """The live analysis's view of a stored event (contract kinds only)."""
    return event.to_event() if event.kind in EVENT_KINDS else None
