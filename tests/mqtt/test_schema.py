"""Payloads: round trips, units in names, schema version, clear errors on bad input."""

from __future__ import annotations

import json
import math

import pytest

from spineball.mqtt.schema import (
    Alert,
    BallState,
    FlexionSummary,
    LumbarAlertSummary,
    SchemaError,
    SessionSummary,
    SpotSummary,
    decode_alert,
    decode_state,
    decode_summary,
    encode_alert,
    encode_state,
    encode_summary,
)
from tests.mqtt.helpers import sample_state


def test_state_round_trip_with_units_in_field_names() -> None:
    state = sample_state()
    payload = encode_state(state, ts_unix_s=1732430000.5)
    body = json.loads(payload)
    assert body["schema"] == 1
    assert body["load_n"] == 310.5
    assert body["spot_dwell_s"] == 22.4
    assert body["position_mm"] == 118.0
    assert body["battery_pct"] == 82
    assert body["link"] == {"connected": True, "rssi_dbm": -61, "loss_pct": 0.4, "reconnects": 1}
    assert body["pain"] == {"first": 6, "now": 5, "target": 4}
    assert decode_state(payload) == (state, 1732430000.5)


def test_unknown_numbers_travel_as_null() -> None:
    payload = encode_state(sample_state(load_n=math.nan, position_mm=math.inf), 0.0)
    body = json.loads(payload)  # strict JSON: no NaN tokens
    assert body["load_n"] is None
    assert body["position_mm"] is None


def test_summary_and_alert_round_trip() -> None:
    summary = SessionSummary(
        session_id="s-1",
        ball_id="ball-1",
        duration_s=182.0,
        spots=(SpotSummary(30.1, 62.4, 32.3, "T6", 118.0, 310.5, 402.0, 6, 4, True),),
        flexions=(FlexionSummary(40.0, 44.5, "left", "T6"),),
        lumbar_alerts=(LumbarAlertSummary(150.2, 153.0),),
        symptoms=("tingling",),
    )
    assert decode_summary(encode_summary(summary)) == summary
    alert = Alert("symptom_stop", "Tingling reported: stop and see a doctor", "critical", 70.0)
    assert decode_alert(encode_alert(alert, "ball-1")) == (alert, "ball-1")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"ball_id": "b"}', "missing integer 'schema'"),
        (b'{"schema": 2, "ball_id": "b"}', "schema 2 not supported"),
        (b'{"schema": 1}', "ball_id"),
        (b'{"schema": 1, "ball_id": "a/b"}', "letters, digits"),
        (b'{"schema": 1, "ball_id": "b", "load_n": "heavy"}', "state.load_n: expected a number"),
        (b'{"schema": 1, "ball_id": "b", "lumbar": "purple"}', "state.lumbar"),
        (b'{"schema": 1, "ball_id": "b", "pain": {"now": 5.5}}', "state.pain.now"),
        (b'{"schema": 1, "ball_id": "b", "alarms": "x"}', "state.alarms: expected a list"),
    ],
)
def test_bad_state_payloads_raise_one_clear_error(payload: bytes, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        decode_state(payload)


def test_unknown_fields_are_ignored_for_forward_compatibility() -> None:
    body = json.loads(encode_state(sample_state(), 1.0))
    body["heart_rate_bpm"] = 70
    state, _ts = decode_state(json.dumps(body))
    assert state == sample_state()


def test_ball_id_is_checked_at_construction() -> None:
    with pytest.raises(SchemaError, match="ball id"):
        BallState(ball_id="room 3/ball")
