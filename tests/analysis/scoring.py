"""Scoring the analysis against the simulator's ground truth (shared by tests and benchmarks).

Matching rule for spots and side bends: a detected interval matches a true one
when their time overlap is at least half of the shorter of the two; each
interval matches at most once (best overlap first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from spineball.anatomy import level_index

Interval = dict[str, Any]


def _overlap(a: Interval, b: Interval) -> float:
    return max(0.0, min(a["end_s"], b["end_s"]) - max(a["start_s"], b["start_s"]))


def match(
    truth: Sequence[Interval], found: Sequence[Interval], same: str | None = None
) -> list[tuple[int, int]]:
    """One-to-one pairs (truth index, found index) overlapping ≥ 50 % of the shorter."""
    candidates = []
    for i, t in enumerate(truth):
        for j, f in enumerate(found):
            if same is not None and t[same] != f[same]:
                continue
            shorter = min(t["end_s"] - t["start_s"], f["end_s"] - f["start_s"])
            ov = _overlap(t, f)
            if shorter > 0 and ov >= 0.5 * shorter:
                candidates.append((ov, i, j))
    pairs, used_t, used_f = [], set(), set()
    for _, i, j in sorted(candidates, reverse=True):
        if i not in used_t and j not in used_f:
            pairs.append((i, j))
            used_t.add(i)
            used_f.add(j)
    return sorted(pairs)


@dataclass
class Tally:
    """Counts accumulated over sessions."""

    spot_tp: int = 0
    spot_truth: int = 0
    spot_found: int = 0
    dwell_errors: list[float] = field(default_factory=list)
    level_errors: list[int] = field(default_factory=list)
    load_errors: list[float] = field(default_factory=list)
    bend_tp: int = 0
    bend_truth: int = 0
    bend_found: int = 0
    lumbar_truth: int = 0
    lumbar_caught: int = 0
    advice_total: int = 0
    advice_right: int = 0

    def add_session(self, truth: dict[str, Any], result: dict[str, Any]) -> None:
        t_spots, f_spots = truth["spots"], result["spots"]
        pairs = match(t_spots, f_spots)
        self.spot_tp += len(pairs)
        self.spot_truth += len(t_spots)
        self.spot_found += len(f_spots)
        for i, j in pairs:
            t, f = t_spots[i], f_spots[j]
            self.dwell_errors.append(abs(f["dwell_s"] - t["dwell_s"]))
            self.level_errors.append(abs(level_index(f["level"]) - level_index(t["level"])))
            self.load_errors.append(abs(f["mean_load_n"] / t["mean_load_n"] - 1.0))
        t_bends, f_bends = truth["flexions"], result["flexions"]
        self.bend_tp += len(match(t_bends, f_bends, same="side"))
        self.bend_truth += len(t_bends)
        self.bend_found += len(f_bends)
        for excursion in truth["lumbar_excursions"]:
            self.lumbar_truth += 1
            if any(_overlap(excursion, alert) > 0 for alert in result["lumbar_alerts"]):
                self.lumbar_caught += 1

    def add_advice(self, expected: str, got: str) -> None:
        self.advice_total += 1
        self.advice_right += int(expected == got)

    @staticmethod
    def _f1(tp: int, n_truth: int, n_found: int) -> float:
        if n_truth + n_found == 0:
            return 1.0
        return 2.0 * tp / (n_truth + n_found)

    def metrics(self) -> dict[str, float]:
        return {
            "spot_f1": self._f1(self.spot_tp, self.spot_truth, self.spot_found),
            "dwell_mae_s": float(np.mean(self.dwell_errors)) if self.dwell_errors else 0.0,
            "level_within_1": float(np.mean(np.array(self.level_errors) <= 1))
            if self.level_errors
            else 1.0,
            "load_error_mean": float(np.mean(self.load_errors)) if self.load_errors else 0.0,
            "load_error_p90": float(np.percentile(self.load_errors, 90))
            if self.load_errors
            else 0.0,
            "bend_f1": self._f1(self.bend_tp, self.bend_truth, self.bend_found),
            "lumbar_recall": self.lumbar_caught / self.lumbar_truth if self.lumbar_truth else 1.0,
            "advice_accuracy": self.advice_right / self.advice_total if self.advice_total else 1.0,
        }


#: Acceptance thresholds (issue 6).
THRESHOLDS = {
    "spot_f1": (">=", 0.9),
    "dwell_mae_s": ("<=", 2.0),
    "level_within_1": (">=", 0.8),
    "load_error_mean": ("<=", 0.15),
    "bend_f1": (">=", 0.85),
    "lumbar_recall": (">=", 0.95),
    "advice_accuracy": (">=", 0.8),
}


def passes(name: str, value: float) -> bool:
    op, limit = THRESHOLDS[name]
    return value >= limit if op == ">=" else value <= limit
