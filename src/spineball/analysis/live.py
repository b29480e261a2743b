"""The live analyser: fed sample blocks as they arrive, answers "what is happening now".

It runs the same code as ``spineball analyze``: samples become frames with
:class:`~spineball.analysis.frames.FrameBuilder` (identical however the stream
is split), pressure is conditioned causally with the same function, and the
final result is :func:`~spineball.analysis.pipeline.analyze_frames` on all
frames — so the live session's final spots, side bends and alerts are the
offline ones. In between, :meth:`LiveAnalyzer.snapshot` evaluates the spot,
side-bend and lumbar rules on the recent frames only, which keeps a 200 Hz
stream cheap.

Device-frame quaternions (protocol §3.3) are aligned to the body frame once
the ball has rolled enough to show its rolling axis (see
:mod:`spineball.analysis.orientation`); until then the snapshot has load but
no position.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from spineball.analysis.advice import (
    Advice,
    PastSession,
    inflation_advice,
    starting_inflation_kpa,
)
from spineball.analysis.frames import FRAME_DTYPE, FRAME_S, FrameBuilder, Frames
from spineball.analysis.live_align import DeviceAligner
from spineball.analysis.load import ATMOSPHERE_PA, atmosphere_from
from spineball.analysis.motion import UNSTABLE_DEG_S, side_bends, sway_rate_rms
from spineball.analysis.orientation import Heading
from spineball.analysis.pipeline import (
    LOAD_SMOOTH_S,
    ROLL_SMOOTH_S,
    SessionAnalysis,
    analyze_frames,
    calibrate,
    landmarks,
    on_ball_mask,
)
from spineball.analysis.plan import DailyPlan, daily_plan
from spineball.analysis.position import PositionMap, position_map
from spineball.analysis.pressure import PressureState, condition
from spineball.analysis.report import report
from spineball.analysis.safety import (
    REST_MAX_GAUGE_PA,
    STATE_NAMES,
    SUDDEN_RISE_PA,
    Alarm,
    LumbarState,
    SymptomStop,
    lumbar_state,
    pressure_alarms,
    symptom_stop,
)
from spineball.analysis.spots import EVENT_SLACK_S, MIN_DWELL_S, current_stay, pain_target
from spineball.anatomy import LEVELS
from spineball.samples import Samples
from spineball.sessionfile import SYMPTOMS, Event, SessionMeta

FloatArray = npt.NDArray[np.float64]

PROCESS_EVERY_S: Final = 0.2  # gather blocks this long before analysing them
TAIL_S: Final = 180.0  # the snapshot looks this far back at most
ALARM_HOLD_S: Final = 5.0  # an alarm stays in the snapshot this long after it ends
MAP_REFRESH_S: Final = 5.0  # without landmarks the position origin follows the data
BEND_CONTEXT_S: Final = 10.0  # yaw before the stay, for the neutral heading


@dataclass(frozen=True, slots=True)
class LiveSnapshot:
    """The current state, for the dashboard and the MQTT publisher."""

    t_s: float  # session clock (device timebase)
    on_ball: bool
    load_n: float | None
    load_sd_n: float | None
    unstable: bool  # lateral sway above 2 °/s right now
    alarms: tuple[Alarm, ...]  # active or just ended
    symptom_stop: SymptomStop | None
    on_ball_s: float
    plan: DailyPlan
    advice: Advice  # from the history, until the session's own result
    warnings: tuple[str, ...]
    # Where the ball is: unknown (None) until the orientation can be trusted.
    position_mm: float | None = None  # from the first landmark towards the pelvis
    position_sd_mm: float | None = None
    level: str | None = None
    lumbar: LumbarState = "ok"  # "ok" / "amber" / "red"; never hidden
    still_s: float | None = None  # time at the current place (None while rolling or off)
    in_spot: bool = False  # still for ≥ 8 s
    pain_first: int | None = None  # ratings given at the current place
    pain_now: int | None = None
    pain_target: int | None = None
    pain_target_met: bool | None = None
    sides_done: tuple[str, ...] = ()  # side bends at the current place
    side_missing: str | None = None  # the side to prompt for once the other is done
    # Boundaries between neighbouring levels C7|T1 … L4|L5 in position_mm coordinates
    # (17 values), so a spine map can place the ball and its uncertainty band.
    level_edges_mm: tuple[float, ...] = ()


class _Buffer:
    """A growable array of frames with per-frame live values."""

    def __init__(self) -> None:
        self.frames: Frames = np.zeros(1024, dtype=FRAME_DTYPE)
        self.load = np.zeros(1024)
        self.on_ball = np.zeros(1024, dtype=bool)
        self.n = 0

    def append(self, frames: Frames, load: FloatArray, on_ball: npt.NDArray[np.bool_]) -> None:
        need = self.n + len(frames)
        if need > len(self.frames):
            size = max(need, 2 * len(self.frames))
            self.frames = np.resize(self.frames, size)
            self.load = np.resize(self.load, size)
            self.on_ball = np.resize(self.on_ball, size)
        self.frames[self.n : need] = frames
        self.load[self.n : need] = load
        self.on_ball[self.n : need] = on_ball
        self.n = need

    def tail_start(self, seconds: float) -> int:
        if self.n == 0:
            return 0
        t = self.frames["t_s"][: self.n]
        return int(np.searchsorted(t, t[-1] - seconds))


class LiveAnalyzer:
    """Incremental analysis of one session.

    ``history`` is the earlier sessions (oldest first) as analyses or
    summaries; ``orientation`` says whether the quaternions are already in
    the body frame (as in session files) or device frame (from the ball).
    """

    def __init__(
        self,
        meta: SessionMeta,
        history: Sequence[PastSession] = (),
        orientation: Literal["body", "device"] = "body",
    ) -> None:
        self.meta = meta
        self.history: list[PastSession] = list(history)
        self._events: list[Event] = list(meta.events)
        self._aligner = DeviceAligner() if orientation == "device" else None
        self._cal = calibrate(meta)
        self._start_frames()
        self._history_summaries = [h.summary() for h in self.history]
        self._finished: dict[str, Any] | None = None
        self.analysis: SessionAnalysis | None = None  # set by finish()
        self._pending: list[Samples] = []
        self._pending_s = 0.0

    def _start_frames(self) -> None:
        """Empty frame state (also used to redo the provisional frames once aligned)."""
        self._builder = FrameBuilder(self.meta.sample_rate_hz)
        self._buf = _Buffer()
        self._pressure: PressureState | None = None
        self._on = False
        self._alarms: list[Alarm] = []
        self._pmap: PositionMap | None = None
        self._pmap_at = -math.inf
        self._atmosphere: float | None = None

    # ------------------------------------------------------------------ input

    def feed(self, samples: Samples) -> None:
        """Add the next block of samples (SESSION_DTYPE or SAMPLE_DTYPE, time-ordered).

        Blocks are gathered and analysed together every 0.2 s of stream (and at
        every :meth:`snapshot`), so tiny blocks cost no more than big ones.
        """
        if len(samples) == 0:
            return
        self._pending.append(samples)
        self._pending_s += len(samples) / self.meta.sample_rate_hz
        if self._pending_s >= PROCESS_EVERY_S:
            self._process_pending()

    def _process_pending(self) -> None:
        if not self._pending:
            return
        samples = self._pending[0] if len(self._pending) == 1 else np.concatenate(self._pending)
        self._pending, self._pending_s = [], 0.0
        if self._aligner is not None:
            was_locked = self._aligner.locked
            released = self._aligner.push(samples, self._events)
            if not self._aligner.locked:
                # No rolling axis yet: show load, time and alarms now, position later.
                self._add_frames(self._builder.push(self._aligner.provisional(samples)))
                return
            if not was_locked:
                self._start_frames()  # redo everything so far in the body frame
            samples = released
        self._add_frames(self._builder.push(samples))

    def add_event(self, event: Event) -> None:
        """A landmark, pain rating, sore flag, symptom or note from the user."""
        self._events.append(event)
        self._events.sort(key=lambda e: e.t_s)
        if event.kind == "landmark":
            self._pmap_at = -math.inf  # refit the position map with the new landmark
            if self._aligner is not None:
                self._process_pending()
                self._aligner.check_sign(self._events, self._buf, self._builder)

    def report_symptom(self, t_s: float, symptom: str) -> SymptomStop:
        """The user reports burning, tingling or electric pain: record it and stop."""
        if symptom not in SYMPTOMS:
            raise ValueError(f"symptom must be one of {', '.join(SYMPTOMS)}")
        self.add_event(Event(t_s, "symptom", value=symptom))
        stop = symptom_stop(self._events)
        assert stop is not None
        return stop

    @property
    def heading(self) -> Heading | None:
        """The rolling axis found in a device-frame stream (None until found, or body frame)."""
        return None if self._aligner is None else self._aligner.heading

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(self._events)

    def _add_frames(self, frames: Frames) -> None:
        if len(frames) == 0:
            return
        t = frames["t_s"]
        cond, self._pressure = condition(
            t, frames["pressure_pa"], frames["temperature_c"], self._cal.config, self._pressure
        )
        if not self._cal.model.has_zero:
            known = cond.baseline_pa[np.isfinite(cond.baseline_pa)]
            if len(known):
                self._cal = calibrate(self.meta, float(known[0]))
        load = self._cal.model.load_n(cond.rise_iso_pa)
        load[~np.isfinite(cond.rise_iso_pa)] = np.nan
        on, self._on = on_ball_mask(self._cal.model, cond, self._on)
        start = self._buf.tail_start(1.0)
        self._buf.append(frames, load, on)
        if self._atmosphere is None and np.isfinite(cond.baseline_pa).any():
            first = float(cond.baseline_pa[np.isfinite(cond.baseline_pa)][0])
            self._atmosphere = atmosphere_from(first, self.meta.ball)
        self._check_pressure(start, cond.unloaded)

    def _check_pressure(self, start: int, unloaded_new: npt.NDArray[np.bool_]) -> None:
        buf = self._buf
        f = buf.frames[start : buf.n]
        atmosphere = self._atmosphere or ATMOSPHERE_PA
        p = f["pressure_max_pa"]
        if not np.isfinite(p).any():
            return
        gauge, jump = np.nanmax(p) - atmosphere, np.nanmax(p) - np.nanmin(p)
        if gauge <= REST_MAX_GAUGE_PA and jump <= SUDDEN_RISE_PA:
            return  # nothing near an alarm: skip the interval bookkeeping
        unloaded = np.zeros(len(f), dtype=bool)
        unloaded[len(f) - len(unloaded_new) :] = unloaded_new
        for alarm in pressure_alarms(f["t_s"], f["pressure_max_pa"], atmosphere, unloaded, FRAME_S):
            last = self._alarms[-1] if self._alarms else None
            if last and last.kind == alarm.kind and alarm.start_s <= last.end_s + 1.0:
                self._alarms[-1] = replace(last, end_s=max(last.end_s, alarm.end_s))
            else:
                self._alarms.append(alarm)

    # ------------------------------------------------------------------ output

    def _position_map(self) -> PositionMap | None:
        buf = self._buf
        if buf.n == 0 or (self._aligner is not None and not self._aligner.locked):
            return None
        now = float(buf.frames["t_s"][buf.n - 1])
        if self._pmap is None or now - self._pmap_at >= MAP_REFRESH_S:
            f = buf.frames[: buf.n]
            meta = replace(self.meta, events=tuple(self._events))
            self._pmap = position_map(
                f["t_s"], f["roll_deg"], landmarks(meta), meta.user.height_m, buf.on_ball[: buf.n]
            )
            self._pmap_at = now
        return self._pmap

    def snapshot(self) -> LiveSnapshot:
        self._process_pending()
        buf = self._buf
        plan = daily_plan(
            [h.on_ball_s for h in self.history],
            float(np.count_nonzero(buf.on_ball[: buf.n])) * FRAME_S,
        )
        advice = self._history_advice()
        stop = symptom_stop(self._events)
        warnings = tuple(w for w in (self._cal.model.warning,) if w)
        if buf.n == 0:
            return LiveSnapshot(
                0.0, False, None, None, False, (), stop, 0.0, plan, advice, warnings
            )
        a = buf.tail_start(TAIL_S)
        f = buf.frames[a : buf.n]
        on = buf.on_ball[a : buf.n]
        now = float(f["t_s"][-1])
        k = max(round(LOAD_SMOOTH_S / FRAME_S), 1)
        load_tail = buf.load[max(buf.n - k, 0) : buf.n]
        load = float(np.nanmean(load_tail)) if np.isfinite(load_tail).any() else None
        pmap = self._position_map()
        sway = sway_rate_rms(f["sway_deg"][-round(8.0 / FRAME_S) :], FRAME_S)
        snap = LiveSnapshot(
            t_s=now,
            on_ball=bool(on[-1]),
            load_n=load,
            load_sd_n=None if load is None else load * self._cal.model.rel_uncertainty,
            unstable=bool(on[-1]) and bool(sway[-1] > UNSTABLE_DEG_S),
            alarms=tuple(al for al in self._alarms if al.end_s >= now - ALARM_HOLD_S),
            symptom_stop=stop,
            on_ball_s=plan.done_s,
            plan=plan,
            advice=advice,
            warnings=warnings + ((pmap.warning,) if pmap and pmap.warning else ()),
        )
        return snap if pmap is None else self._place(snap, f, on, pmap)

    def _place(
        self, snap: LiveSnapshot, f: Frames, on: npt.NDArray[np.bool_], pmap: PositionMap
    ) -> LiveSnapshot:
        """Position, lumbar state and the current stay, from the recent frames."""
        t = f["t_s"]
        roll = _trailing_mean(f["roll_deg"], max(round(ROLL_SMOOTH_S / FRAME_S), 1))
        pos = pmap.position_mm(roll)
        sd = pmap.uncertainty_mm(pos)
        snap = replace(
            snap,
            position_mm=float(pos[-1]),
            position_sd_mm=float(sd[-1]),
            level=pmap.level_of(float(pos[-1]))[0],
            lumbar=STATE_NAMES[int(lumbar_state(pos[-1:], sd[-1:], pmap)[0])],
            level_edges_mm=_level_edges(pmap),
        )
        stay = current_stay(pos, on)
        if stay < 2:
            return snap
        s0 = len(t) - stay
        since = float(t[s0])
        ratings = [
            e.value
            for e in self._events
            if e.kind == "pain"
            and isinstance(e.value, int)
            and since - EVENT_SLACK_S <= e.t_s <= snap.t_s
        ]
        c0 = int(np.searchsorted(t, since - BEND_CONTEXT_S))
        bends = side_bends(t[c0:], f["yaw_deg"][c0:], on[c0:], FRAME_S)
        sides = tuple(sorted({b.side for b in bends if b.end > s0 - c0}))
        first = ratings[0] if ratings and isinstance(ratings[0], int) else None
        last = ratings[-1] if ratings and isinstance(ratings[-1], int) else None
        target = None if first is None else pain_target(first)
        other = {"left": "right", "right": "left"}
        return replace(
            snap,
            still_s=snap.t_s - since,
            in_spot=snap.t_s - since >= MIN_DWELL_S,
            pain_first=first,
            pain_now=last,
            pain_target=target,
            pain_target_met=None if target is None or last is None else last <= target,
            sides_done=sides,
            side_missing=other[sides[0]] if len(sides) == 1 else None,
        )

    def _history_advice(self) -> Advice:
        if self._history_summaries:
            last = self._history_summaries[-1]
            return inflation_advice(last, self._history_summaries[:-1])
        start = starting_inflation_kpa(self.meta.user.mass_kg)
        return Advice(
            "keep",
            0.0,
            f"first session: a good starting inflation for {self.meta.user.mass_kg:.0f} kg "
            f"is about {start:.0f} kPa",
        )

    def set_history(self, history: Sequence[PastSession]) -> None:
        """Earlier sessions found after the start (the plan and advice follow them)."""
        self.history = list(history)
        self._history_summaries = [h.summary() for h in self.history]

    def finish(self) -> SessionAnalysis:
        """End of stream: the full analysis, exactly as ``spineball analyze`` computes it."""
        self._process_pending()
        if self._aligner is not None and not self._aligner.locked:
            released = self._aligner.flush(self._events)
            self._start_frames()
            self._add_frames(self._builder.push(released))
        self._add_frames(self._builder.flush())
        meta = replace(self.meta, events=tuple(self._events))
        self.analysis = analyze_frames(
            self._buf.frames[: self._buf.n].copy(), self._builder.stats, meta
        )
        return self.analysis

    def result(self) -> dict[str, Any]:
        """The contract JSON of the finished session (calls :meth:`finish` once)."""
        if self._finished is None:
            self._finished = report(self.finish(), self.history)
        return self._finished


@functools.lru_cache(maxsize=8)
def _level_edges(pmap: PositionMap) -> tuple[float, ...]:
    return tuple(round(pmap.level_boundary_mm(level), 1) for level in LEVELS[:-1])


def _trailing_mean(x: FloatArray, k: int) -> FloatArray:
    good = np.isfinite(x)
    cs = np.concatenate(([0.0], np.cumsum(np.where(good, x, 0.0))))
    cn = np.concatenate(([0], np.cumsum(good)))
    idx = np.arange(1, len(x) + 1)
    lo = np.maximum(idx - k, 0)
    count = cn[idx] - cn[lo]
    return np.asarray(
        np.divide(cs[idx] - cs[lo], count, out=np.full(len(x), np.nan), where=count > 0)
    )
