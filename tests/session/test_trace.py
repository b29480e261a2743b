"""Plot points from the recorder: 0.1 s means, gauge and absolute pressure side by side."""

from __future__ import annotations

import numpy as np
import pytest

from spineball.session.trace import TraceBuffer
from spineball.virtual.body import random_scenario, simulate


def test_points_carry_gauge_and_absolute_pressure_of_each_tenth_second() -> None:
    sim = simulate(random_scenario(4), rate_hz=100.0)
    samples = sim.samples[:1000]  # 10 s
    trace = TraceBuffer(sim.meta.ball)
    for start in range(0, len(samples), 37):  # blocks that do not line up with the buckets
        trace.add(samples[start : start + 37])
    points = trace.take(350.0)
    assert len(points.t_s) == 99  # the last bucket is still open
    assert len(points.pressure_pa) == len(points.gauge_kpa) == len(points.load_n)
    assert trace.atmosphere_pa is not None
    gauge_from_abs = (np.array(points.pressure_pa) - trace.atmosphere_pa) / 1000.0
    assert gauge_from_abs == pytest.approx(np.array(points.gauge_kpa), abs=1e-3)
    bucket = samples["pressure_pa"][(samples["t_s"] >= 2.0) & (samples["t_s"] < 2.1)]
    assert points.pressure_pa[20] == pytest.approx(float(bucket.mean()), abs=0.01)
    assert points.load_n[-1] == 350.0
    assert trace.take(None).t_s == ()
