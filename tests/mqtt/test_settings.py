"""Broker settings: URLs, the [mqtt] table, passwords only from env or file, backoff."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from spineball.mqtt.backoff import Backoff
from spineball.mqtt.settings import MqttSettingsError, parse_url, settings_from


def test_urls() -> None:
    plain = parse_url("mqtt://broker.local")
    assert (plain.host, plain.port, plain.tls, plain.username) == (
        "broker.local",
        1883,
        False,
        None,
    )
    tls = parse_url("mqtts://clinic@10.0.0.5")
    assert (tls.host, tls.port, tls.tls, tls.username) == ("10.0.0.5", 8883, True, "clinic")
    assert parse_url("mqtt://[::1]:1884").port == 1884


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mqtts://room3:secret@host", "must not contain a password"),
        ("http://host", "must start with mqtt:// or mqtts://"),
        ("mqtt://", "has no host"),
        ("mqtt://host:99999", "out of range"),
        ("mqtt://host/topic", "only scheme"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(MqttSettingsError, match=message):
        parse_url(url)


def test_password_comes_from_env_before_file_and_is_never_shown() -> None:
    table = {"url": "mqtts://room3@host", "password": "from-file"}
    from_file = settings_from(table, environ={})
    from_env = settings_from(table, environ={"SPINEBALL_MQTT_PASSWORD": "from-env"})
    assert from_file is not None
    assert from_env is not None
    assert from_file.password == "from-file"
    assert from_env.password == "from-env"
    assert "from-env" not in repr(from_env)
    assert from_env.url == "mqtts://room3@host:8883"


def test_url_option_overrides_the_table_but_keeps_its_other_settings(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    table = {"url": "mqtts://a@old", "ca_file": str(ca), "qos": 2, "client_id": "room-3"}
    settings = settings_from(table, url="mqtts://b@new:9000", environ={})
    assert settings is not None
    assert (settings.host, settings.port, settings.username) == ("new", 9000, "b")
    assert (settings.ca_file, settings.qos, settings.client_id) == (ca, 2, "room-3")


def test_no_broker_means_mqtt_is_off() -> None:
    assert settings_from({}, environ={}) is None
    assert settings_from({"qos": 1}, environ={}) is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"url": "mqtt://h", "pasword": "x"}, "unknown setting 'pasword'"),
        ({"url": "mqtt://h", "qos": 3}, "qos must be 0, 1 or 2"),
        ({"url": "mqtt://h", "qos": "1"}, "qos must be an integer"),
        ({"url": "mqtt://h", "ca_file": "/nonexistent/ca.pem"}, "not a readable file"),
        ({"url": "mqtt://h", "password": "x"}, "no user"),
        ({"url": "mqtt://h", "topic_prefix": "a/#"}, "without '\\+' or '#'"),
        ({"url": "mqtt://h", "discovery": "yes"}, "true or false"),
        ({"url": 5}, "url must be a string"),
    ],
)
def test_bad_tables(table: dict[str, object], message: str) -> None:
    with pytest.raises(MqttSettingsError, match=message):
        settings_from(table, environ={})


def test_backoff_grows_with_jitter_and_caps() -> None:
    backoff = Backoff(initial_s=0.25, maximum_s=4.0, rng=random.Random(1))
    delays = [backoff.next_delay() for _ in range(12)]
    ceilings = [min(4.0, 0.25 * 2**n) for n in range(12)]
    for delay, ceiling in zip(delays, ceilings, strict=True):
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(delays)) == len(delays)  # jitter: no two clients retry in lock-step
    backoff.reset()
    assert backoff.next_delay() <= 0.25
