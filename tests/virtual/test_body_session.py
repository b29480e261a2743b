"""Simulated sessions: the interchange contract, determinism, and the truth's own rules.

Truth is checked from the per-sample truth arrays with code written here, not
with the simulator's own spot finder.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spineball import anatomy
from spineball.samples import SESSION_COLUMNS
from spineball.sessionfile import read_session
from spineball.virtual.body import (
    PHASES,
    SimulatedSession,
    random_scenario,
    simulate,
    truth_path,
)
from spineball.virtual.body.signals import runs

SEEDS = (0, 1, 2, 3, 4, 5, 6, 7)


@pytest.fixture(scope="module")
def sessions() -> dict[int, SimulatedSession]:
    return {seed: simulate(random_scenario(seed)) for seed in SEEDS}


def test_samples_follow_the_contract(sessions: dict[int, SimulatedSession]) -> None:
    for s in sessions.values():
        x = s.samples
        assert x.dtype.names == SESSION_COLUMNS
        np.testing.assert_allclose(np.diff(x["t_s"]), 1 / s.rate_hz)
        q = np.stack([x[c] for c in ("qw", "qx", "qy", "qz")], axis=1)
        np.testing.assert_allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-4)
        np.testing.assert_allclose(q[0], [1, 0, 0, 0], atol=1e-3)  # relative to the start pose
        # protocol resolution: 1/16 Pa and 0.01 °C
        assert np.all(x["pressure_pa"] * 16 == np.round(x["pressure_pa"] * 16))
        np.testing.assert_allclose(x["temperature_c"] * 100, np.round(x["temperature_c"] * 100))
        assert x["pressure_pa"].min() > 100_000
        assert x["pressure_pa"].max() < 160_000
        assert s.meta.sample_rate_hz == s.rate_hz
        assert s.meta.calibration
        assert 1 <= len(s.meta.calibration) <= 3


def test_written_files_reread_equal_within_precision(
    sessions: dict[int, SimulatedSession], tmp_path: Path
) -> None:
    s = sessions[1]
    csv, side, truth = s.write(tmp_path / "one.csv")
    assert (side.name, truth.name) == ("one.json", "one.truth.json")
    assert truth == truth_path(csv)
    back = read_session(csv)
    assert not back.warnings
    assert len(back.samples) == len(s.samples)
    np.testing.assert_array_equal(back.samples["t_s"], s.samples["t_s"])
    np.testing.assert_array_equal(back.samples["pressure_pa"], s.samples["pressure_pa"])
    np.testing.assert_allclose(back.samples["temperature_c"], s.samples["temperature_c"], atol=1e-9)
    for c in ("qw", "qx", "qy", "qz"):
        np.testing.assert_allclose(back.samples[c], s.samples[c], atol=5e-9)
    assert back.meta.events == s.meta.events
    assert back.meta.calibration == s.meta.calibration
    assert back.meta.ball == s.meta.ball
    assert back.meta.user == s.meta.user
    assert json.loads(truth.read_text()) == s.truth


def test_same_seed_gives_identical_bytes_and_other_seeds_differ(tmp_path: Path) -> None:
    outputs = []
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        s = simulate(random_scenario(seed), rate_hz=25.0)
        outputs.append([p.read_bytes() for p in s.write(tmp_path / f"{name}.csv")])
    assert outputs[0] == outputs[1]
    assert all(x != y for x, y in zip(outputs[0], outputs[2], strict=True))


def _within_band(values: np.ndarray, band: float = 15.0) -> bool:
    mean = values.mean()
    return bool(np.all(np.abs(values - mean) <= band + 1e-9))


def test_truth_spots_obey_the_contract_definition(sessions: dict[int, SimulatedSession]) -> None:
    for s in sessions.values():
        per, rate = s.per_sample, s.rate_hz
        index = {round(float(t), 3): i for i, t in enumerate(per.t_s)}
        bounds = [(index[sp["start_s"]], index[sp["end_s"]]) for sp in s.truth["spots"]]
        taken = np.zeros(len(per.t_s), dtype=bool)
        for a, b in bounds:
            assert not taken[a : b + 1].any()  # spots never overlap
            taken[a : b + 1] = True
        for spot, (a, b) in zip(s.truth["spots"], bounds, strict=True):
            run = per.position_mm[a : b + 1]
            assert per.on_ball[a : b + 1].all()
            assert spot["dwell_s"] >= 8.0
            assert _within_band(run)
            assert spot["position_mm"] == pytest.approx(run.mean(), abs=0.01)
            # maximal: neither neighbour can join (off the ball, out of band, or another spot)
            for extra in (a - 1, b + 1):
                if 0 <= extra < len(per.t_s) and not taken[extra]:
                    joined = per.position_mm[min(a, extra) : max(b, extra) + 1]
                    assert not per.on_ball[extra] or not _within_band(joined)
            levels = s.scenario.person.positions_mm()
            contact = run.mean() + levels[anatomy.level_index(s.truth["first_landmark"])]
            assert spot["level"] == anatomy.LEVELS[int(np.argmin(np.abs(levels - contact)))]
        # one stay is one spot: consecutive spots are apart in time or in place
        for before, after in zip(s.truth["spots"], s.truth["spots"][1:], strict=False):
            apart = abs(after["position_mm"] - before["position_mm"]) > 15.0
            assert after["start_s"] - before["end_s"] > 0.5 or apart
        # complete: every steady 8 s stretch on the ball (checked at 10 Hz, ±13 mm) is in a spot
        step = int(rate // 10)
        pos, on = per.position_mm[::step], per.on_ball[::step]
        window = 81
        for i in range(len(pos) - window):
            stretch = pos[i : i + window]
            if on[i : i + window].all() and _within_band(stretch, 13.0):
                assert taken[i * step : (i + window) * step].any(), (s.scenario.seed, i / 10)


def test_sore_spots_are_worked_as_the_exercise_says(sessions: dict[int, SimulatedSession]) -> None:
    for s in sessions.values():
        spots = s.truth["spots"]
        for e in s.meta.events:
            if e.kind in ("sore", "pain"):
                assert any(sp["start_s"] <= e.t_s <= sp["end_s"] for sp in spots), e
            if e.kind == "pain":
                assert isinstance(e.value, int)
                assert 1 <= e.value <= 10
        sore = [sp for sp in spots if sp["sore"]]
        planned = len(s.scenario.script.sore_spots)
        assert len(sore) == planned or s.truth["symptoms"]
        for sp in sore:
            assert 10.0 <= sp["dwell_s"] <= 80.0
            assert sp["pain_target"] == round(2 * sp["pain_first"] / 3 + 1e-9)
            assert sp["pain_target_met"] == (sp["pain_last"] <= sp["pain_target"])
        landmarks = [e for e in s.meta.events if e.kind == "landmark"]
        planned_marks = list(s.scenario.script.landmarks)
        # a nerve symptom ends the session, perhaps before the second landmark
        assert [e.level for e in landmarks] == planned_marks[: len(landmarks)]
        assert len(landmarks) == 2 or s.truth["symptoms"]
        assert landmarks[0].level in ("C7", "T1")


def test_flexions_are_side_bends_over_3_degrees_for_over_1_second(
    sessions: dict[int, SimulatedSession],
) -> None:
    for s in sessions.values():
        per = s.per_sample
        t = per.t_s
        for f in s.truth["flexions"]:
            inside = (t >= f["start_s"]) & (t <= f["end_s"])
            bend = per.bend_deg[inside]
            sign = 1 if f["side"] == "right" else -1
            assert np.all(sign * bend > 3.0)
            assert f["end_s"] - f["start_s"] > 1.0
            assert f["level"] in anatomy.THORACIC
        assert len(s.truth["flexions"]) >= 1 or s.truth["symptoms"]
        # the measured yaw shows the bend (sensor frame = body frame in the file)
        x = s.samples
        yaw = np.degrees(
            np.arctan2(
                2 * (x["qw"] * x["qz"] + x["qx"] * x["qy"]), 1 - 2 * (x["qy"] ** 2 + x["qz"] ** 2)
            )
        )
        bending = np.abs(per.bend_deg) > 5
        assert np.all(np.sign(yaw[bending]) == np.sign(per.bend_deg[bending]))


def test_roll_moves_the_contact_by_mm_per_degree(sessions: dict[int, SimulatedSession]) -> None:
    for s in sessions.values():
        per, x = s.per_sample, s.samples
        q = np.stack([x[c] for c in ("qw", "qx", "qy", "qz")], axis=1)
        # roll about x, unwrapped over the > 180° the ball turns along the back
        half = np.unwrap(2 * np.arctan2(q[:, 1], q[:, 0])) / 2
        roll = np.degrees(2 * half)
        on = per.on_ball & (np.abs(per.bend_deg) < 0.5)
        slope = np.polyfit(roll[on], per.position_mm[on], 1)[0]
        assert slope == pytest.approx(s.truth["mm_per_degree"], rel=0.02)
        assert 1.2 <= s.truth["mm_per_degree"] <= 1.9


def test_phases_load_and_lumbar_truth(sessions: dict[int, SimulatedSession]) -> None:
    for s in sessions.values():
        per = s.per_sample
        weight = s.scenario.person.weight_n
        assert PHASES[per.phase[0]] == "off"
        assert PHASES[per.phase[-1]] == "off"
        assert not per.on_ball[0]
        assert not per.on_ball[-1]
        lying = per.load_n[PHASES.index("dwell") == per.phase]
        assert 0.27 * weight < np.median(lying) < 0.62 * weight
        assert np.all(np.isnan(per.position_mm[~per.on_ball]))
        l1 = anatomy.level_index("L1")
        lumbar = per.on_ball & (per.level_index >= l1)
        records = s.truth["lumbar_excursions"]
        assert sum(lumbar) == sum(
            round((r["end_s"] - r["start_s"]) * s.rate_hz) + 1 for r in records
        )
        if not s.truth["symptoms"]:
            assert len(records) == s.scenario.script.lumbar_excursions
        for r in records:
            assert r["deepest_level"] in anatomy.LUMBAR


def test_instability_follows_over_inflation() -> None:
    stable = simulate(random_scenario(21, mass_kg=75.0, inflation_kpa=13.0))
    hard = simulate(random_scenario(21, mass_kg=75.0, inflation_kpa=25.0))
    assert not stable.truth["instability"]["unstable"]
    assert stable.truth["instability"]["sway_rms_deg_s"] < 1.5
    assert hard.truth["instability"]["unstable"]
    assert hard.truth["instability"]["sway_rms_deg_s"] > 2.5
    assert hard.scenario.script.unstable
    assert not stable.scenario.script.unstable


def _breathing_peak_hz(pieces: list[np.ndarray], rate: float) -> float:
    """Strongest frequency in 0.12–0.45 Hz of the summed power spectra of steady stretches."""
    n = int(200 * rate)  # zero-padded to a 0.005 Hz grid
    power = np.zeros(n // 2 + 1)
    for y in pieces:
        x = np.arange(len(y))
        y = y - np.polyval(np.polyfit(x, y, 2), x)
        power += np.abs(np.fft.rfft(y * np.hanning(len(y)), n)) ** 2
    freqs = np.fft.rfftfreq(n, 1 / rate)
    band = (freqs > 0.12) & (freqs < 0.45)
    return float(freqs[band][np.argmax(power[band])])


def test_breathing_frequency_is_visible_in_load_and_pressure(
    sessions: dict[int, SimulatedSession],
) -> None:
    for s in sessions.values():
        per, rate = s.per_sample, s.rate_hz
        steady = (per.phase == PHASES.index("dwell")) | (per.phase == PHASES.index("rest"))
        firsts, lasts = runs(steady)
        stretches = [(a + int(4 * rate), b) for a, b in zip(firsts, lasts, strict=True)]
        stretches = [(a, b) for a, b in stretches if b - a > 10 * rate]
        if not stretches:  # a nerve symptom cut the stays short
            assert s.truth["symptoms"]
            continue
        breathing = s.truth["person"]["breathing_hz"]
        resolution = rate / sum(b - a for a, b in stretches)  # 1 / total seconds
        for signal in (per.load_n, s.samples["pressure_pa"]):
            peak = _breathing_peak_hz([signal[a:b] for a, b in stretches], rate)
            assert peak == pytest.approx(breathing, abs=0.02 + resolution), s.scenario.seed


def test_gas_warms_1_to_4_kelvin_and_the_sensor_lags(sessions: dict[int, SimulatedSession]) -> None:
    for s in sessions.values():
        warming = s.truth["environment"]["gas_warming_k"]
        assert 1.0 <= warming <= 4.0 or s.truth["session"]["on_ball_s"] < 120
        gas, sensor = s.per_sample.gas_temperature_c, s.samples["temperature_c"]
        offset = sensor[0] - gas[0]
        middle = len(gas) // 2
        assert sensor[middle] - offset < gas[middle]  # lag: behind the gas while it warms


def test_symptom_stops_the_session() -> None:
    scenario = next(
        sc for sc in (random_scenario(seed) for seed in range(200)) if sc.script.symptom
    )
    s = simulate(scenario)
    (symptom,) = s.truth["symptoms"]
    assert symptom["value"] == scenario.script.symptom
    off = np.flatnonzero(s.per_sample.on_ball)[-1] / s.rate_hz
    assert 0 < off - symptom["t_s"] < 6.0


def test_ten_minute_session_is_generated() -> None:
    s = simulate(random_scenario(5, on_ball_s=590.0))
    assert s.truth["session"]["on_ball_s"] > 580.0
    assert len(s.samples) > 59_000
