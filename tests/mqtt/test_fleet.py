"""The monitor's model: live / stale / offline, attention, alerts, bad payloads."""

from __future__ import annotations

from spineball.mqtt.fleet import Fleet, pain_text, spot_text
from spineball.mqtt.schema import Alert, encode_alert, encode_state
from tests.mqtt.helpers import sample_state

P = "spineball"


def test_status_follows_availability_and_age() -> None:
    fleet = Fleet(P, stale_after_s=10)
    fleet.apply(f"{P}/b1/availability", b"online", now=0)
    fleet.apply(f"{P}/b1/state", encode_state(sample_state("b1"), 0), now=0)
    assert [r.status for r in fleet.rows(now=5)] == ["live"]
    assert [r.status for r in fleet.rows(now=11)] == ["stale"]
    fleet.apply(f"{P}/b1/availability", b"offline", now=12)
    (row,) = fleet.rows(now=12)
    assert row.status == "offline"
    assert row.note == "offline"
    assert row.attention == "none"


def test_attention_puts_the_lumbar_guard_first() -> None:
    fleet = Fleet(P)
    states = {
        "a": sample_state("a", room="A", lumbar="red", alarms=("pressure_spike",)),
        "b": sample_state("b", room="B", alarms=("symptom_stop",)),
        "c": sample_state("c", room="C", lumbar="amber"),
        "d": sample_state("d", room="D", battery_pct=9, advice=None),
        "e": sample_state("e", room="E", advice=None),
    }
    for ball, state in states.items():
        fleet.apply(f"{P}/{ball}/state", encode_state(state, 0), now=0)
    rows = fleet.rows(now=1)
    assert [(r.attention, r.note) for r in rows] == [
        ("red", "LUMBAR: roll back up"),
        ("red", "symptom_stop"),
        ("amber", "near lumbar zone"),
        ("amber", "battery low"),
        ("none", "ok"),
    ]


def test_rows_sort_by_room_and_format() -> None:
    fleet = Fleet(P)
    fleet.apply(f"{P}/z/state", encode_state(sample_state("z", room="Room 2"), 0), now=0)
    fleet.apply(f"{P}/y/state", encode_state(sample_state("y", room="room 1"), 0), now=0)
    assert [r.room for r in fleet.rows(0)] == ["room 1", "Room 2"]
    assert spot_text(None) == "—"
    assert spot_text(83.9) == "1:23"
    assert pain_text(sample_state()) == "6→5/4"
    assert fleet.rows(0)[0].note == "pump +1.5 kPa"


def test_alerts_newest_first_and_bad_payloads_are_counted() -> None:
    fleet = Fleet(P)
    fleet.apply(f"{P}/b1/state", encode_state(sample_state("b1"), 0), now=0)
    for n in range(3):
        alert = Alert("lumbar_amber", f"alert {n}")
        fleet.apply(f"{P}/b1/alert", encode_alert(alert, "b1"), now=n)
    assert [a.alert.message for a in fleet.alerts] == ["alert 2", "alert 1", "alert 0"]
    assert fleet.alerts[0].room == "Room 3"
    assert not fleet.apply(f"{P}/b2/state", b"{garbage", now=0)
    assert not fleet.apply("other/b1/state", b"{}", now=0)
    assert fleet.rejected == 1
    assert fleet.count == 1
