"""The session as the person lives it: a timeline of moves, stays, ratings and bends.

:func:`build_script` turns a :class:`Scenario` and a random generator into
keyframe tracks (contact position, load level, side bend), phase intervals and
the user's events. Nothing here is per sample; :mod:`render` samples the tracks.

Stops along the back (landmarks, sore spots, rests, pauses) are kept ≥ 42 mm
apart so that two of them never fit inside one ±15 mm band (a level is
22–30 mm): the contract's spot rule then sees each stay on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np

from spineball import anatomy
from spineball.sessionfile import Event
from spineball.virtual.body.pain import pain_level, round_rating, time_to_target_s
from spineball.virtual.body.signals import KeyTrack
from spineball.virtual.body.specs import Scenario, SoreSpot

PHASES: Final = (
    "off",
    "mounting",
    "landmark",
    "rolling",
    "dwell",
    "pause",
    "rest",
    "lumbar",
    "dismounting",
)
PHASE_CODE: Final = {name: code for code, name in enumerate(PHASES)}

MIN_STOP_GAP_MM: Final = 42.0
MARK_ERROR_MM: Final = 5.0  # how well a user places the ball under a palpated vertebra (1 σ)
MAX_DWELL_S: Final = 70.0  # domain: dwell 10–70 s per sore spot
MIN_DWELL_S: Final = 10.0
SHIFT_MM: Final = 3.0  # postural shifts on a spot stay well inside the ±15 mm spot band


@dataclass(frozen=True, slots=True)
class Pulse:
    """A brief Gaussian disturbance: a flinch or a postural shift."""

    t_s: float
    width_s: float
    amplitude: float  # load: fraction of the current load; position: mm


@dataclass(frozen=True, slots=True)
class PainCurve:
    level: str
    start_s: float  # the first rating
    end_s: float  # the person leaves the spot
    first: int
    tau_s: float


@dataclass(frozen=True, slots=True)
class LandmarkMark:
    t_s: float
    level: str
    contact_mm: float  # where the ball really was, mm from C7
    error_mm: float  # contact − the vertebra's true position


@dataclass(slots=True)
class Script:
    position: KeyTrack  # contact point, mm from C7 along the back
    load: KeyTrack  # load on the ball in N, before breathing and pulses
    bend: KeyTrack  # side bend in degrees, + = to the person's right
    mount_contact_mm: float
    phases: list[tuple[float, int]] = field(default_factory=list)
    elbows: list[tuple[float, float]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    load_pulses: list[Pulse] = field(default_factory=list)
    position_pulses: list[Pulse] = field(default_factory=list)
    pains: list[PainCurve] = field(default_factory=list)
    marks: list[LandmarkMark] = field(default_factory=list)
    end_s: float = 0.0


@dataclass(frozen=True, slots=True)
class _Stop:
    kind: str  # landmark / sore / rest / pause
    center_mm: float
    spot: SoreSpot | None = None
    level: str = ""


class _Builder:
    def __init__(self, scenario: Scenario, rng: np.random.Generator) -> None:
        self.scenario = scenario
        self.rng = rng
        self.levels = scenario.person.positions_mm()
        self.lying_n = scenario.person.lying_load_n
        self.t = 0.0
        self.on_since = 0.0
        self.finished = False  # a nerve symptom ends the session early

    def u(self, low: float, high: float) -> float:
        return float(self.rng.uniform(low, high))

    def pos_of(self, level: str) -> float:
        return float(self.levels[anatomy.level_index(level)])

    def start(self) -> Script:
        first = self.scenario.script.landmarks[0]
        self.mark_error = float(np.clip(self.rng.normal(0.0, MARK_ERROR_MM), -10.0, 10.0))
        self.first_center = self.pos_of(first) + self.mark_error
        mount = self.first_center + self.u(-14.0, 14.0)
        self.s = Script(KeyTrack(0.0, mount), KeyTrack(0.0, 0.0), KeyTrack(0.0, 0.0), mount)
        self.s.phases.append((0.0, PHASE_CODE["off"]))
        return self.s

    # ------------------------------------------------------------------ primitives

    def phase(self, name: str) -> None:
        self.s.phases.append((self.t, PHASE_CODE[name]))

    def set_load(self, value: float, ramp_s: float = 0.6) -> None:
        self.s.load.move(self.t, self.t + ramp_s, value)

    def roll_to(self, target_mm: float, phase: str = "rolling") -> None:
        """Roll the ball to ``target_mm``; mean speed varies ±20 % around the person's."""
        distance = abs(target_mm - self.s.position.last)
        if distance < 1.0:
            return
        speed = self.scenario.script.roll_speed_mm_s * self.u(0.8, 1.2)
        duration = max(1.2, distance / speed)
        self.phase(phase)
        propped = self.scenario.script.elbows and phase == "rolling" and self.rng.random() < 0.3
        if propped:
            self.set_load(self.lying_n * self.scenario.person.elbows_load_factor)
            self.s.elbows.append((self.t, self.t + duration))
        else:
            self.set_load(self.lying_n * self.u(0.9, 1.0))
        self.s.position.move(self.t, self.t + duration, target_mm)
        self.t += duration

    def stay(self, duration: float, phase: str) -> None:
        self.phase(phase)
        self.t += duration

    def event(self, t_s: float, kind: str, **fields: object) -> None:
        self.s.events.append(Event(round(t_s, 3), kind, **fields))  # type: ignore[arg-type]

    # ------------------------------------------------------------------ parts of the session

    def mount(self) -> None:
        self.t = self.u(2.0, 4.0)  # the ball lies still first (the client zeroes on it)
        self.phase("mounting")
        ramp = self.u(1.2, 2.0)  # a fast load step: the adiabatic overshoot shows
        elbows = self.scenario.script.elbows
        factor = self.scenario.person.elbows_load_factor if elbows else 1.0
        self.s.load.move(self.t, self.t + ramp, self.lying_n * factor)
        elbows_from = self.t
        self.s.position.move(self.t + 0.5 * ramp, self.t + ramp + 0.8, self.first_center)
        self.on_since = self.t
        self.t += ramp + 0.8
        hold = self.u(2.5, 3.5)
        self.phase("landmark")
        first = self.scenario.script.landmarks[0]
        mark_t = round(self.t + self.u(1.0, 2.0), 3)
        self.event(mark_t, "landmark", level=first)
        self.s.marks.append(LandmarkMark(mark_t, first, self.first_center, self.mark_error))
        if elbows:  # lies back, hands behind the head
            self.s.load.move(self.t + hold - 1.0, self.t + hold, self.lying_n)
            self.s.elbows.append((elbows_from, self.t + hold - 0.5))
        self.t += hold

    def landmark(self, stop: _Stop) -> None:
        self.roll_to(stop.center_mm)
        hold = self.u(2.5, 3.5)
        self.phase("landmark")
        self.set_load(self.lying_n * self.u(0.95, 1.05))
        mark_t = round(self.t + self.u(1.0, hold - 0.8), 3)
        self.event(mark_t, "landmark", level=stop.level)
        error = stop.center_mm - self.pos_of(stop.level)
        self.s.marks.append(LandmarkMark(mark_t, stop.level, stop.center_mm, error))
        self.t += hold

    def pause(self, stop: _Stop) -> None:
        self.roll_to(stop.center_mm)
        self.stay(self.u(1.5, 3.0), "pause")

    def rest(self, stop: _Stop) -> None:
        self.roll_to(stop.center_mm)
        self.phase("rest")
        self.set_load(self.lying_n * self.u(1.0, 1.08), 1.0)
        duration = self.u(9.0, 15.0)
        self.shift(stop.center_mm, self.t + self.u(3.0, duration - 3.0))
        self.t += duration

    def shift(self, center: float, t_s: float) -> None:
        """A postural shift: the contact moves a few mm and the load wobbles."""
        self.s.position.move(t_s, t_s + 0.8, center + self.u(-SHIFT_MM, SHIFT_MM))
        self.s.load_pulses.append(Pulse(t_s + 0.4, 0.6, self.u(-0.1, 0.1)))

    def sore(self, stop: _Stop, symptom_here: bool, sore_left: int) -> None:
        spot = stop.spot
        assert spot is not None
        self.roll_to(stop.center_mm)
        self.phase("dwell")
        arrive = self.t
        self.set_load(self.lying_n * self.u(1.02, 1.12), 1.5)  # extends over the spot
        if self.rng.random() < 0.5:  # flinch on arrival
            t_f = arrive + self.u(0.3, 1.2)
            self.s.load_pulses.append(Pulse(t_f, 0.15, self.u(0.12, 0.25)))
            self.s.position_pulses.append(Pulse(t_f, 0.12, self.u(-2.0, 2.0)))
        self.event(arrive + self.u(0.8, 1.8), "sore")
        first_t = arrive + self.u(2.0, 4.0)
        to_target = time_to_target_s(spot.pain_first, spot.tau_s)
        if spot.stay_to_target:
            last_t = first_t + to_target + self.u(0.6, 2.0)
            leave = last_t + self.u(1.5, 5.0)
        else:
            last_t = first_t + self.u(0.35, 0.75) * to_target
            leave = last_t + self.u(1.0, 2.5)
        leave = float(np.clip(leave, arrive + MIN_DWELL_S, arrive + self.dwell_budget(sore_left)))
        last_t = float(np.clip(last_t, first_t + 4.0, leave - 1.0))
        symptom = self.scenario.script.symptom
        if symptom_here and symptom is not None:
            symptom_t = max(first_t + self.u(4.0, 8.0), arrive + 9.0)
            self.event(symptom_t, "symptom", value=symptom)
            leave = symptom_t + self.u(1.5, 3.0)  # stops at once (domain: see a doctor)
            last_t = min(last_t, symptom_t - 0.5)
            self.finished = True
        self.s.pains.append(PainCurve(spot.level, first_t, leave, spot.pain_first, spot.tau_s))
        rating_times = [first_t, *self.between(first_t, last_t), last_t]
        if last_t - first_t < 4.0:
            rating_times = [first_t]
        for t_r in rating_times:
            level = pain_level(spot.pain_first, spot.tau_s, np.array([t_r - first_t]))[0]
            self.event(
                t_r, "pain", value=spot.pain_first if t_r == first_t else round_rating(level)
            )
        self.bends(spot, first_t + self.u(2.0, 5.0), leave - 1.5)
        for k in range(int((leave - arrive) // 25.0)):
            self.shift(stop.center_mm, arrive + 8.0 + 25.0 * k + self.u(0.0, 10.0))
        self.s.position.hold(leave)
        self.t = leave

    def dwell_budget(self, sore_left: int) -> float:
        """Longest stay on this spot that keeps the session near its planned length.

        Early on (2–3 minutes in all) the person moves on before the pain has
        dropped; later sessions leave time to reach the target.
        """
        left = self.scenario.script.on_ball_s - (self.t - self.on_since) - 6.0 * sore_left
        return float(np.clip(left / sore_left, MIN_DWELL_S + 4.0, MAX_DWELL_S))

    def between(self, first_t: float, last_t: float) -> list[float]:
        """Ratings in between, every 12–20 s."""
        times = []
        t = first_t + self.u(12.0, 20.0)
        while t < last_t - 8.0:
            times.append(t)
            t += self.u(12.0, 20.0)
        return times

    def bends(self, spot: SoreSpot, start: float, latest_end: float) -> None:
        """Side bends while extended over the spot (domain: |φ| > 3° held > 1 s)."""
        sides = list(spot.sides)
        self.rng.shuffle(sides)
        t = start
        for side in sides:
            ramp, hold = self.u(0.6, 0.9), self.u(1.5, 3.5)
            if t + 2 * ramp + hold > latest_end:
                break  # no time left on this spot: that side is missing
            angle = self.u(5.0, 12.0) * (1.0 if side == "right" else -1.0)
            self.s.bend.move(t, t + ramp, angle)
            self.s.bend.move(t + ramp + hold, t + 2 * ramp + hold, 0.0)
            t += 2 * ramp + hold + self.u(1.0, 2.5)

    def excursion(self, return_mm: float) -> None:
        """Rolls past T12/L1 onto the lumbar spine, then back (what the guard must catch)."""
        deepest = self.u(self.pos_of("L1") + 10.0, self.pos_of("L2") + 10.0)
        self.roll_to(deepest, "lumbar")
        self.stay(self.u(0.3, 1.5), "lumbar")
        self.roll_to(return_mm, "lumbar")

    def dismount(self) -> None:
        self.phase("dismounting")
        ramp = self.u(0.8, 1.5)
        self.set_load(0.0, ramp)
        self.s.position.hold(self.t + ramp)
        self.t += ramp
        self.phase("off")
        self.t += self.u(2.0, 4.0)
        self.s.end_s = self.t


def _stops(b: _Builder) -> list[_Stop]:
    script = b.scenario.script
    stops = [
        _Stop("sore", b.pos_of(s.level) + b.u(-4.0, 4.0), s, s.level) for s in script.sore_spots
    ]
    second = script.landmarks[1]
    error = float(np.clip(b.rng.normal(0.0, MARK_ERROR_MM), -10.0, 10.0))
    stops.append(_Stop("landmark", b.pos_of(second) + error, level=second))
    low, high = b.pos_of("T2"), b.pos_of("T11")
    for kind, count in (("rest", script.rests), ("pause", script.pauses)):
        for _ in range(count):
            for _attempt in range(40):
                center = b.u(low, high)
                taken = [b.first_center, *(s.center_mm for s in stops)]
                if min(abs(center - c) for c in taken) >= MIN_STOP_GAP_MM:
                    stops.append(_Stop(kind, center))
                    break
    return sorted(stops, key=lambda s: s.center_mm)


def build_script(scenario: Scenario, rng: np.random.Generator) -> Script:
    """The whole session: on near C7/T1, landmarks, down the thoracic spine, off."""
    b = _Builder(scenario, rng)
    script = b.start()
    plan = scenario.script
    b.mount()
    symptom_index = int(rng.integers(len(plan.sore_spots))) if plan.sore_spots else -1
    sore_seen = 0
    for stop in _stops(b):
        if stop.kind == "sore":
            b.sore(stop, sore_seen == symptom_index, len(plan.sore_spots) - sore_seen)
            sore_seen += 1
            if b.finished:
                break
        else:
            getattr(b, stop.kind)(stop)
    excursions = plan.lumbar_excursions
    going_down = True
    while not b.finished:
        remaining = plan.on_ball_s - (b.t - b.on_since)
        at_bottom = b.s.position.last >= b.pos_of("T10")
        if excursions and at_bottom:
            b.excursion(b.u(b.pos_of("T9"), b.pos_of("T11")))
            excursions -= 1
            going_down = False
            continue
        if remaining < 6.0 and not excursions:
            break
        if going_down:
            target = b.u(b.pos_of("T10"), 0.5 * (b.pos_of("T11") + b.pos_of("T12")))
        else:
            target = b.u(b.pos_of("T3"), b.pos_of("T6"))
        if abs(target - b.s.position.last) < MIN_STOP_GAP_MM:
            going_down = not going_down
            continue
        b.roll_to(target)
        going_down = not going_down
    b.dismount()
    script.events.sort(key=lambda e: e.t_s)
    return script
