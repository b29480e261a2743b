"""Replay a recorded, imported or simulated session as if it were happening now.

``spineball dash --replay SESSION.csv`` plays a session file through the same
live analysis a recorder runs (:class:`~spineball.analysis.LiveAnalyzer`) and
serves the result as :class:`~spineball.session.api.SessionUpdate` s, so the
dashboard cannot tell a replay from a live ball. The recorded events (landmarks,
pain ratings, sore spots, symptoms) are handed to the analysis when the replay
reaches them; what the user presses during the replay is added as new events
at the replay's current time. Analysis runs in a worker thread, never in the
event loop that draws the screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Final

import numpy as np

from spineball.analysis import LiveAnalyzer, LiveSnapshot, inflation_guide
from spineball.analysis.load import atmosphere_from
from spineball.analysis.pipeline import SessionAnalysis
from spineball.anatomy import LEVELS
from spineball.cues import CueEngine
from spineball.samples import Samples
from spineball.session.api import (
    AddNote,
    CueNote,
    EndSession,
    LinkState,
    MarkLandmark,
    MarkSore,
    Pause,
    RatePain,
    RecorderState,
    ReportSymptom,
    Resume,
    SessionUpdate,
    SetCalibration,
    StartInflation,
    StopInflation,
    TracePoints,
    UserInput,
)
from spineball.sessionfile import SYMPTOMS, CalibrationPoint, Event, SessionData, read_session

UPDATE_HZ: Final = 20.0  # a recorder sends 10–20 updates a second (session API)
CATCH_UP_STEP_S: Final = 0.5  # jumping ahead: one update per half second of data …
CATCH_UP_BATCH: Final = 20  # updates worked out per trip to the worker thread
DENSE_TAIL_S: Final = 3.0  # … and the last seconds at the live rate (the calibration's window)
MAX_SPEED: Final = 100.0
MAX_CUES: Final = 20  # the session API carries the last 20


class ReplayClient:
    """A :class:`~spineball.session.api.SessionClient` that plays back a session.

    ``speed`` scales time (2.0 plays twice as fast). ``start_s`` jumps ahead:
    the data before it is analysed at once and sent as a burst of updates (one
    per half second, the last 3 s at the live rate), so the plot and the spine
    map are filled. The replay
    stops moving at ``hold_at_s`` (still "recording"), which gives tests and
    screenshots a fixed position. The session ends at the end of the data, on
    :class:`EndSession` or on a symptom report, with the analysis result.
    """

    def __init__(
        self,
        data: SessionData,
        *,
        name: str = "replay",
        speed: float = 1.0,
        start_s: float = 0.0,
        hold_at_s: float | None = None,
        history: Sequence[SessionAnalysis] = (),
        update_hz: float = UPDATE_HZ,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0.0 < speed <= MAX_SPEED:
            raise ValueError(f"replay speed must be above 0 and at most {MAX_SPEED:g}")
        if len(data.samples) == 0:
            raise ValueError("the session has no samples to replay")
        self.name = name
        self.speed = speed
        self._meta = data.meta
        self._samples: Samples = data.samples
        self._t = np.asarray(data.samples["t_s"], dtype=np.float64)
        self._start_s = float(self._t[0])
        self.end_s = float(self._t[-1])
        self._skip_to = min(max(start_s, self._start_s), self.end_s)
        self._hold_at = self.end_s if hold_at_s is None else min(hold_at_s, self.end_s)
        self._history = list(history)
        self._period = 1.0 / update_hz
        self._clock = clock
        self._recorded = sorted(data.meta.events, key=lambda e: e.t_s)
        self._added: list[Event] = []  # what the user entered during the replay
        self._analyzer = self._new_analyzer(data.meta.calibration)
        self._atmosphere = atmosphere_from(float(data.samples["pressure_pa"][0]), data.meta.ball)
        self._next_sample = 0
        self._next_event = 0
        self._pos = self._start_s
        self._snapshot: LiveSnapshot | None = None
        self._inputs: list[UserInput] = []
        self._wake = asyncio.Event()
        self._paused = False
        self._anchor = (self._skip_to, 0.0)  # (replay position, wall clock) of the last (re)start
        self._seq = 0
        self._state: RecorderState = "recording"
        self._result: dict[str, object] | None = None
        self._inflation_target: float | None = None
        self._gauge_kpa: float | None = None
        self._closed = False
        self._started = False
        self._seek: tuple[float, bool] | None = None
        # the cues a recorder would give (shown, not sounded: a replay is watched, not lain on)
        self._cue_engine = CueEngine()
        self._cues: deque[CueNote] = deque(maxlen=MAX_CUES)

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_file(
        cls,
        path: Path | str,
        *,
        speed: float = 1.0,
        start_s: float = 0.0,
        hold_at_s: float | None = None,
    ) -> ReplayClient:
        """Replay ``NAME.csv`` (+ sidecar); raises SessionFileError on a bad file."""
        data = read_session(path)
        return cls(data, name=Path(path).name, speed=speed, start_s=start_s, hold_at_s=hold_at_s)

    @classmethod
    def simulated(
        cls,
        seed: int,
        *,
        rate_hz: float = 100.0,
        speed: float = 1.0,
        start_s: float = 0.0,
        hold_at_s: float | None = None,
    ) -> ReplayClient:
        """A freshly simulated person on the virtual ball (``spineball.virtual.body``)."""
        from spineball.virtual.body import random_scenario, simulate  # only for this source

        sim = simulate(random_scenario(seed), rate_hz=rate_hz)
        return cls(
            SessionData(sim.meta, sim.samples),
            name=f"virtual ball, simulated person {seed}",
            speed=speed,
            start_s=start_s,
            hold_at_s=hold_at_s,
        )

    def _new_analyzer(self, calibration: tuple[CalibrationPoint, ...]) -> LiveAnalyzer:
        meta = dataclasses.replace(self._meta, events=(), calibration=calibration)
        return LiveAnalyzer(meta, history=self._history)

    # ------------------------------------------------------------------ SessionClient

    @property
    def position_s(self) -> float:
        """How far the replay has got, on the session clock."""
        return self._pos

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def events(self) -> tuple[Event, ...]:
        """The events the analysis has been given: recorded ones reached so far, and the user's."""
        return self._analyzer.events

    def seek(self, t_s: float, *, hold: bool = True) -> None:
        """Jump ahead to ``t_s`` (as ``start_s`` does at the start), then hold there or play on.

        A replay only goes forwards: the live analysis cannot un-see samples.
        """
        self._seek = (min(max(t_s, self._pos), self.end_s), hold)
        self._wake.set()

    def source_time(self, t_s: float) -> float:
        """When the sample at ``t_s`` is played, on this replay's clock (for latency figures)."""
        pos, wall = self._anchor
        return wall + (t_s - pos) / self.speed

    async def send(self, message: UserInput) -> None:
        if self._closed or self._state == "ended":
            raise ConnectionError("the replay has ended")
        _validate(message)
        self._inputs.append(message)
        self._wake.set()

    async def close(self) -> None:
        self._closed = True
        self._wake.set()

    async def updates(self) -> AsyncIterator[SessionUpdate]:
        if self._started:
            raise RuntimeError("a replay's updates can be followed only once")
        self._started = True
        if self._skip_to > self._start_s:
            async for update in self._catching_up(self._start_s, self._skip_to):
                yield update
        self._anchor = (self._skip_to, self._clock())
        next_tick = self._clock()
        while not self._closed:
            if self._seek is not None:
                (to_s, hold), self._seek = self._seek, None
                async for update in self._catching_up(self._pos, to_s):
                    yield update
                self._anchor = (to_s, self._clock())
                self._hold_at = to_s if hold else self.end_s
            inputs, self._inputs = self._inputs, []
            self._wake.clear()
            for message in inputs:
                self._control(message)
            update = await asyncio.to_thread(self._step, self._target(), inputs)
            yield update
            if update.state == "ended":
                return
            next_tick = max(next_tick + self._period, self._clock())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), next_tick - self._clock())

    # ------------------------------------------------------------------ the clock

    def _target(self) -> float:
        pos, wall = self._anchor
        if not self._paused:
            pos += (self._clock() - wall) * self.speed
        return min(pos, self._hold_at)

    def _control(self, message: UserInput) -> None:
        """Pause and resume act on the clock, in the event loop."""
        if isinstance(message, Pause) and not self._paused:
            self._anchor = (self._target(), self._clock())
            self._paused = True
        elif isinstance(message, Resume) and self._paused:
            self._paused = False
            self._anchor = (self._anchor[0], self._clock())

    # ------------------------------------------------------------------ analysis (worker thread)

    async def _catching_up(self, from_s: float, to_s: float) -> AsyncIterator[SessionUpdate]:
        """Updates for a jump ahead: sparse, and the last seconds at the live rate.

        Worked out a few at a time in the worker thread, so the screen fills as it goes.
        """
        dense_from = max(to_s - DENSE_TAIL_S, from_s)
        sparse = np.arange(from_s + CATCH_UP_STEP_S, dense_from, CATCH_UP_STEP_S)
        dense = np.arange(dense_from, to_s, self._period)[1:]
        steps = [float(t) for t in (*sparse, *dense, to_s)]
        for i in range(0, len(steps), CATCH_UP_BATCH):
            batch = steps[i : i + CATCH_UP_BATCH]
            for update in await asyncio.to_thread(self._steps, batch):
                yield update

    def _steps(self, times: list[float]) -> list[SessionUpdate]:
        return [self._step(t, []) for t in times]

    def _step(self, target_s: float, inputs: Sequence[UserInput]) -> SessionUpdate:
        trace = TracePoints()
        if self._state != "ended":
            trace = self._advance(target_s)
            for message in inputs:
                self._apply(message)
            if self._snapshot is None or trace.t_s or inputs:
                self._snapshot = self._analyzer.snapshot()
                for cue in self._cue_engine.update(self._snapshot):
                    self._cues.append(CueNote(cue.t_s, cue.kind.value, cue.priority, cue.short))
            if trace.t_s:
                load = self._snapshot.load_n
                trace = dataclasses.replace(
                    trace, load_n=(None if load is None else round(load, 1),)
                )
            if self._pos >= self.end_s:
                self._finish()
            self._state = "ended" if self._result else "paused" if self._paused else "recording"
        assert self._snapshot is not None
        inflation = None
        if self._inflation_target is not None and self._gauge_kpa is not None:
            inflation = inflation_guide(self._gauge_kpa, self._inflation_target)
        self._seq += 1
        return SessionUpdate(
            seq=self._seq,
            state=self._state,
            session_id=None,
            snapshot=self._snapshot,
            link=LinkState("streaming", name=self.name),
            trace=trace,
            cues=tuple(self._cues),
            inflation=inflation,
            result=self._result,
        )

    def _advance(self, target_s: float) -> TracePoints:
        """Hand the analysis the samples and recorded events up to ``target_s``."""
        stop = int(np.searchsorted(self._t, target_s, side="right"))
        block = self._samples[self._next_sample : stop]
        self._next_sample = max(stop, self._next_sample)
        while (
            self._next_event < len(self._recorded)
            and self._recorded[self._next_event].t_s <= target_s
        ):
            self._analyzer.add_event(self._recorded[self._next_event])
            self._next_event += 1
        self._pos = max(self._pos, target_s)
        if len(block) == 0:
            return TracePoints()
        self._analyzer.feed(block)
        pressure = float(np.mean(block["pressure_pa"]))
        self._gauge_kpa = (pressure - self._atmosphere) / 1000.0
        snap_t = float(block["t_s"][-1])
        return TracePoints(
            (round(snap_t, 3),),
            (round(self._gauge_kpa, 3),),
            (None,),  # filled in from the snapshot below
            (round(pressure, 1),),
        )

    def _apply(self, message: UserInput) -> None:
        # "now" is the analysis's newest frame, the moment on screen: an event later than
        # that would count only once more samples came (never while the replay holds)
        t = self._snapshot.t_s if self._snapshot is not None else self._start_s
        event: Event | None = None
        if isinstance(message, RatePain):
            event = Event(t, "pain", value=message.value)
        elif isinstance(message, MarkSore):
            event = Event(t, "sore")
        elif isinstance(message, MarkLandmark):
            event = Event(t, "landmark", level=message.level)
        elif isinstance(message, AddNote):
            event = Event(t, "note", value=message.text)
        elif isinstance(message, ReportSymptom):
            self._analyzer.report_symptom(t, message.symptom)
            self._added.append(Event(t, "symptom", value=message.symptom))
            self._finish()
        elif isinstance(message, EndSession):
            self._finish()
        elif isinstance(message, StartInflation):
            advised = self._meta.ball.rest_gauge_kpa + self._analyzer.snapshot().advice.delta_kpa
            self._inflation_target = advised if message.target_kpa is None else message.target_kpa
        elif isinstance(message, StopInflation):
            self._inflation_target = None
        elif isinstance(message, SetCalibration):
            self._recalibrate(message.points)
        # Pause/Resume act on the clock (see _control); a replay gives no cues (SetCues).
        if event is not None:
            self._added.append(event)
            self._analyzer.add_event(event)

    def _recalibrate(self, points: tuple[CalibrationPoint, ...]) -> None:
        """Analyse the session so far again with the new calibration."""
        self._meta = dataclasses.replace(self._meta, calibration=points)
        analyzer = self._new_analyzer(points)
        done = self._samples[: self._next_sample]
        events = sorted([*self._recorded[: self._next_event], *self._added], key=lambda e: e.t_s)
        analyzer.feed(done)
        for event in events:
            analyzer.add_event(event)
        self._analyzer = analyzer

    def _finish(self) -> None:
        if self._result is None:
            self._result = self._analyzer.result()
            self._state = "ended"
            self._inflation_target = None


def _validate(message: UserInput) -> None:
    """Refuse inputs a recorder would refuse, before they are queued."""
    if isinstance(message, RatePain) and not 1 <= message.value <= 10:
        raise ValueError("a pain rating is 1–10")
    if isinstance(message, MarkLandmark) and message.level not in LEVELS:
        raise ValueError(f"unknown level {message.level!r}; use C7, T1–T12 or L1–L5")
    if isinstance(message, ReportSymptom) and message.symptom not in SYMPTOMS:
        raise ValueError(f"symptom must be one of {', '.join(SYMPTOMS)}")
    target = message.target_kpa if isinstance(message, StartInflation) else None
    if target is not None and not math.isfinite(target):
        raise ValueError("the inflation target must be a number of kPa")
    if isinstance(message, SetCalibration) and not message.points:
        raise ValueError("a calibration needs at least one point")
