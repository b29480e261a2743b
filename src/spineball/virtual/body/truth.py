"""Ground truth derived from the per-sample record, by the interchange contract's rules.

- Spot: a maximal run of on-ball samples whose positions all lie within
  ±15 mm of the run's mean position, lasting ≥ 8 s. Each run grows from a
  qualifying 8 s window (steadiest first), alternately right and left: first
  over the stay itself (±6 mm of the window's median, then ±9 mm of that
  run's mean), then by the rule alone, until adding either neighbour would
  break the rule or reach another spot (spots never overlap).
- Flexion: side bend |φ| > 3° held > 1 s (domain notes), one per run.
- Lumbar excursion: a run of samples whose nearest vertebra is L1–L5.
- Instability: lateral sway rate RMS in 0.5–3 Hz over the on-ball samples > 2 °/s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from spineball import anatomy
from spineball.numeric import running_max
from spineball.sessionfile import Event
from spineball.virtual.body.pain import pain_target
from spineball.virtual.body.render import SWAY_BAND_HZ, SampleTruth, nearest_level
from spineball.virtual.body.script import PainCurve
from spineball.virtual.body.signals import FloatArray, band_rate_rms, runs

SPOT_BAND_MM: Final = 15.0
SPOT_MIN_S: Final = 8.0
FLEXION_DEG: Final = 3.0
FLEXION_MIN_S: Final = 1.0
UNSTABLE_DEG_S: Final = 2.0
CORE_BANDS_MM: Final = (6.0, 9.0)

_Run = tuple[int, int, float, int, float, float]  # first, last, sum, count, max, min


def _accepted(chunk: FloatArray, run: _Run, center: float | None, core_mm: float) -> int:
    """How many leading samples of ``chunk`` can join ``run`` one after another.

    Always: every sample of the run stays within ±15 mm of the run's mean.
    With ``center``: also within ±``core_mm`` of that fixed centre.
    """
    _a, _b, total, count, high, low = run
    sums = total + np.cumsum(chunk)
    mean = sums / (count + np.arange(1, len(chunk) + 1))
    highs = np.maximum(high, np.maximum.accumulate(chunk))
    lows = np.minimum(low, np.minimum.accumulate(chunk))
    ok = (highs - mean <= SPOT_BAND_MM) & (mean - lows <= SPOT_BAND_MM)  # NaN (off) → False
    if center is not None:
        ok &= np.abs(chunk - center) <= core_mm
    return len(chunk) if ok.all() else int(np.argmin(ok))


def _grow_within(
    pos: FloatArray,
    run: _Run,
    floor: int,
    ceiling: int,
    step: int,
    center: float | None,
    core_mm: float,
) -> _Run:
    a, b, total, count, high, low = run
    grew = True
    while grew:  # one step per side per turn keeps the growth balanced around the stay
        grew = False
        for side in (1, -1):
            if side == 1:
                chunk = pos[b + 1 : min(b + 1 + step, ceiling + 1)]
            else:
                chunk = pos[max(floor, a - step) : a][::-1]
            state = (a, b, total, count, high, low)
            k = _accepted(chunk, state, center, core_mm) if len(chunk) else 0
            if k == 0:
                continue
            joined = chunk[:k]
            total, count = total + float(joined.sum()), count + k
            high, low = max(high, float(joined.max())), min(low, float(joined.min()))
            if side == 1:
                b += k
            else:
                a -= k
            grew = True
    return a, b, total, count, high, low


def _grow(pos: FloatArray, a: int, b: int, floor: int, ceiling: int, step: int) -> tuple[int, int]:
    """Widen the seed [a, b] to a maximal run within [floor, ceiling].

    First the stay itself: samples within ±6 mm of the seed's median, then
    within ±9 mm of that run's mean (so the roll into or out of the stay cannot
    pull the mean away from it); then the contract's rule alone. Each stage
    grows alternately right and left until neither neighbour can join.
    """
    seed = pos[a : b + 1]
    run: _Run = (a, b, float(seed.sum()), len(seed), float(seed.max()), float(seed.min()))
    center = float(np.median(seed))
    for core_mm in CORE_BANDS_MM:
        run = _grow_within(pos, run, floor, ceiling, step, center, core_mm)
        center = run[2] / run[3]
    run = _grow_within(pos, run, floor, ceiling, step, None, SPOT_BAND_MM)
    return run[0], run[1]


def find_spots(position_mm: FloatArray, rate_hz: float) -> list[tuple[int, int]]:
    """(first, last) sample index of each spot; ``position_mm`` is NaN off the ball.

    Seeds are the qualifying 8 s windows, steadiest first (smallest max − min), so
    a spot grows from the middle of a stay, not from the end of the roll into it.
    """
    window = round(SPOT_MIN_S * rate_hz) + 1
    n = len(position_mm)
    if n < window:
        return []
    filled = np.nan_to_num(position_mm)
    on = np.concatenate(([0], np.cumsum(~np.isnan(position_mm))))
    total = np.concatenate(([0.0], np.cumsum(filled)))
    mean = (total[window:] - total[:-window]) / window
    high = running_max(filled, window)
    low = -running_max(-filled, window)
    qualifies = (
        (on[window:] - on[:-window] == window)
        & (high - mean <= SPOT_BAND_MM)
        & (mean - low <= SPOT_BAND_MM)
    )
    spread = np.where(qualifies, high - low, np.inf)
    taken = np.zeros(n, dtype=bool)
    spots: list[tuple[int, int]] = []
    while True:
        a = int(np.argmin(spread))
        if not np.isfinite(spread[a]):
            return sorted(spots)
        b = a + window - 1
        before = np.flatnonzero(taken[:a])
        after = np.flatnonzero(taken[b + 1 :])
        floor = int(before[-1]) + 1 if len(before) else 0
        ceiling = b + int(after[0]) if len(after) else n - 1
        a, b = _grow(position_mm, a, b, floor, ceiling, max(1, int(0.25 * rate_hz)))
        spots.append((a, b))
        taken[a : b + 1] = True
        spread[max(0, a - window + 1) : b + 1] = np.inf  # windows overlapping this spot


def _r(x: float, digits: int = 3) -> float:
    return round(float(x), digits)


def _ratings(events: Sequence[Event], start: float, end: float) -> list[tuple[float, int]]:
    return [
        (e.t_s, int(e.value))
        for e in events
        if e.kind == "pain" and isinstance(e.value, int) and start <= e.t_s <= end
    ]


def spot_records(
    per: SampleTruth,
    rate_hz: float,
    events: Sequence[Event],
    levels_mm: FloatArray,
    pains: Sequence[PainCurve] = (),
) -> list[dict[str, Any]]:
    records = []
    for a, b in find_spots(per.position_mm, rate_hz):
        start, end = float(per.t_s[a]), float(per.t_s[b])
        mean_pos = float(np.mean(per.position_mm[a : b + 1]))
        mean_contact = float(np.mean(per.contact_mm[a : b + 1]))
        ratings = _ratings(events, start, end)
        first = ratings[0][1] if ratings else None
        last = ratings[-1][1] if ratings else None
        target = pain_target(first) if first is not None else None
        met_at = [t for t, v in ratings if target is not None and v <= target]
        level = int(nearest_level(np.array([mean_contact]), levels_mm)[0])
        records.append(
            {
                "start_s": _r(start),
                "end_s": _r(end),
                "dwell_s": _r(end - start),
                "level": anatomy.LEVELS[level],
                "position_mm": _r(mean_pos, 2),
                "contact_from_c7_mm": _r(mean_contact, 2),
                "mean_load_n": _r(float(np.mean(per.load_n[a : b + 1])), 2),
                "peak_load_n": _r(float(np.max(per.load_n[a : b + 1])), 2),
                "pain_first": first,
                "pain_last": last,
                "pain_target": target,
                "pain_target_met": None if last is None else bool(last <= target),  # type: ignore[operator]
                "time_to_target_s": _r(met_at[0] - ratings[0][0]) if met_at else None,
                "sore": any(e.kind == "sore" and start <= e.t_s <= end for e in events),
                "pain_tau_s": next(
                    (c.tau_s for c in pains if c.start_s <= end and c.end_s >= start), None
                ),
            }
        )
    return records


def flexion_records(per: SampleTruth) -> list[dict[str, Any]]:
    records = []
    for side, mask in (
        ("right", per.bend_deg > FLEXION_DEG),
        ("left", per.bend_deg < -FLEXION_DEG),
    ):
        for a, b in zip(*runs(mask), strict=True):
            if per.t_s[b] - per.t_s[a] > FLEXION_MIN_S:
                mid = int(per.level_index[(a + b) // 2])
                records.append(
                    {
                        "start_s": _r(per.t_s[a]),
                        "end_s": _r(per.t_s[b]),
                        "side": side,
                        "level": anatomy.LEVELS[mid] if mid >= 0 else None,
                        "peak_deg": _r(np.max(np.abs(per.bend_deg[a : b + 1])), 2),
                    }
                )
    return sorted(records, key=lambda r: float(r["start_s"]))


def lumbar_records(per: SampleTruth) -> list[dict[str, Any]]:
    l1 = anatomy.level_index("L1")
    return [
        {
            "start_s": _r(per.t_s[a]),
            "end_s": _r(per.t_s[b]),
            "deepest_level": anatomy.LEVELS[int(per.level_index[a : b + 1].max())],
            "deepest_position_mm": _r(np.nanmax(per.position_mm[a : b + 1]), 2),
        }
        for a, b in zip(*runs(per.level_index >= l1), strict=True)
    ]


def instability_record(per: SampleTruth, rate_hz: float) -> dict[str, Any]:
    rms = band_rate_rms(per.sway_deg[per.on_ball], 1.0 / rate_hz, *SWAY_BAND_HZ)
    return {"sway_rms_deg_s": _r(rms), "unstable": bool(rms > UNSTABLE_DEG_S)}


def symptom_records(per: SampleTruth, events: Sequence[Event]) -> list[dict[str, Any]]:
    out = []
    for e in events:
        if e.kind == "symptom":
            i = min(int(np.searchsorted(per.t_s, e.t_s)), len(per.t_s) - 1)
            level = int(per.level_index[i])
            out.append(
                {
                    "t_s": e.t_s,
                    "value": e.value,
                    "level": anatomy.LEVELS[level] if level >= 0 else None,
                }
            )
    return out
