"""Fixtures: a real Mosquitto broker (session-wide, and a private one per test)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from spineball.mqtt.settings import MqttSettings, settings_from
from tests.mqtt.broker import Broker


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """One broker for the session; tests keep apart by using their own topic prefix."""
    running = Broker(tmp_path_factory.mktemp("mosquitto"))
    running.start()
    yield running
    running.stop()


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[Broker]:
    """A broker this test may stop and restart."""
    running = Broker(tmp_path / "mosquitto")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}/spineball"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINEBALL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SPINEBALL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("SPINEBALL_MQTT_PASSWORD", raising=False)


def plain_settings(broker: Broker, prefix: str, **table: object) -> MqttSettings:
    settings = settings_from({"topic_prefix": prefix, **table}, url=broker.url, environ={})
    assert settings is not None
    return settings
