"""TLS with a generated CA, password and client-certificate login, and secrets kept out of logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from spineball.mqtt.publisher import Publisher
from spineball.mqtt.settings import MqttSettings, settings_from
from tests.mqtt.broker import HOST, PASSWORD, Broker
from tests.mqtt.helpers import recording, sample_state


def tls_settings(broker: Broker, prefix: str, password: str, **table: object) -> MqttSettings:
    settings = settings_from(
        {"topic_prefix": prefix, "ca_file": str(broker.ca_file), **table},
        url=broker.tls_url,
        environ={"SPINEBALL_MQTT_PASSWORD": password},
    )
    assert settings is not None
    return settings


async def test_tls_and_password_login_publishes(
    broker: Broker, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = tls_settings(broker, prefix, PASSWORD)
    assert PASSWORD not in repr(settings)
    assert PASSWORD not in settings.url
    topic = f"{prefix}/ball-1/state"
    async with (
        recording(broker.plain_port, topic) as seen,
        Publisher(settings, "ball-1") as publisher,
    ):
        publisher.update(sample_state())
        await seen.wait_count(topic, 1)
        assert publisher.status.connected
        assert publisher.status.last_error is None
    assert "connected to mqtts://room3@127.0.0.1" in caplog.text
    assert PASSWORD not in caplog.text


async def test_wrong_password_is_refused_with_a_clear_error(
    broker: Broker, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "not-" + PASSWORD
    settings = tls_settings(broker, prefix, wrong)
    async with Publisher(settings, "ball-1") as publisher:
        publisher.update(sample_state())
        assert not await publisher.wait_connected(1.0)
        error = publisher.status.last_error
    assert error is not None
    assert "refused the login (user 'room3')" in error
    assert "wrong user name or password" in error
    assert error in caplog.text  # logged once, as the same clear line
    assert wrong not in caplog.text
    assert PASSWORD not in caplog.text


async def test_untrusted_broker_certificate_is_named(broker: Broker, prefix: str) -> None:
    settings = tls_settings(broker, prefix, PASSWORD, ca_file=str(broker.wrong_ca_file))
    async with Publisher(settings, "ball-1") as publisher:
        assert not await publisher.wait_connected(1.0)
        error = publisher.status.last_error
    assert error is not None
    assert "TLS certificate is not trusted" in error


async def test_client_certificate_login(broker: Broker, prefix: str, tmp_path: Path) -> None:
    url = f"mqtts://{HOST}:{broker.mtls_port}"
    table = {"topic_prefix": prefix, "ca_file": str(broker.ca_file)}
    without_cert = settings_from(table, url=url, environ={})
    with_cert = settings_from(
        {**table, "cert_file": str(broker.client_cert), "key_file": str(broker.client_key)},
        url=url,
        environ={},
    )
    assert without_cert is not None
    assert with_cert is not None
    async with Publisher(without_cert, "ball-1", outbox_path=tmp_path / "a.db") as refused:
        assert not await refused.wait_connected(1.0)
    topic = f"{prefix}/ball-1/state"
    async with (
        recording(broker.plain_port, topic) as seen,
        Publisher(with_cert, "ball-1", outbox_path=tmp_path / "b.db") as publisher,
    ):
        publisher.update(sample_state())
        await seen.wait_count(topic, 1)
