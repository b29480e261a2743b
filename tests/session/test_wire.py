"""Recorder ⇄ client messages survive the JSON-lines wire unchanged."""

from __future__ import annotations

import json

import pytest

from spineball.analysis import LiveAnalyzer
from spineball.analysis.advice import inflation_guide
from spineball.session import api, wire
from spineball.sessionfile import CalibrationPoint
from spineball.virtual.body import random_scenario, simulate


def real_snapshot() -> object:
    session = simulate(random_scenario(5), rate_hz=50.0)
    live = LiveAnalyzer(session.meta)
    samples = session.samples
    for start in range(0, len(samples) // 2, 500):
        live.feed(samples[start : start + 500])
    return live.snapshot()


def test_update_round_trip_with_a_real_snapshot() -> None:
    update = api.SessionUpdate(
        seq=7,
        state="recording",
        session_id=3,
        snapshot=real_snapshot(),  # type: ignore[arg-type]
        link=api.LinkState("streaming", "C0:11:22:33:44:55", "SB-4455", -61, 80, 0.4, 2, 150),
        trace=api.TracePoints((1.0, 1.05), (13.2, 13.4), (None, 310.5), (114_500.0, 114_700.0)),
        cues=(api.CueNote(12.5, "lumbar", "urgent", "Roll back up"),),
        inflation=inflation_guide(12.0, 14.5),
        result={"session": {"duration_s": 3.0}},
    )
    line = wire.encode_update(update)
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    assert wire.decode_update(line) == update


ONE_OF_EACH: list[api.UserInput] = [
    api.RatePain(6),
    api.MarkSore(),
    api.MarkLandmark("T1"),
    api.ReportSymptom("tingling"),
    api.AddNote("left side tight"),
    api.Pause(),
    api.Resume(),
    api.EndSession(),
    api.StartInflation(14.0),
    api.StartInflation(),
    api.StopInflation(),
    api.SetCues(enabled=False, volume=0.3),
    api.SetCalibration((CalibrationPoint(0.0, 114_300.0), CalibrationPoint(392.3, 116_950.5))),
]


def test_the_examples_cover_every_input() -> None:
    assert {type(m) for m in ONE_OF_EACH} == set(api.USER_INPUTS)


@pytest.mark.parametrize("message", ONE_OF_EACH, ids=lambda m: type(m).__name__)
def test_every_input_round_trips(message: api.UserInput) -> None:
    assert wire.decode_input(wire.encode_input(message)) == message


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"not json\n", "not JSON"),
        (b"[1]\n", "JSON object"),
        (b'{"input": "Explode"}\n', "unknown input"),
        (b'{"input": "RatePain", "fields": {"value": "six"}}\n', "expected int"),
        (b'{"input": "ReportSymptom", "fields": {"symptom": "itchy"}}\n', "not one of"),
        (b'{"input": "RatePain", "fields": {}}\n', "RatePain"),
        (b"{" + b" " * wire.MAX_LINE_BYTES + b"}\n", "too long"),
    ],
)
def test_bad_lines_raise_wire_error(line: bytes, message: str) -> None:
    with pytest.raises(wire.WireError, match=message):
        wire.decode_input(line)


def test_update_without_update_key() -> None:
    with pytest.raises(wire.WireError, match="not an update"):
        wire.decode_update(json.dumps({"x": 1}).encode())
