"""Home Assistant discovery: payload shape, retained announce, re-announce on HA birth."""

from __future__ import annotations

import json
import re
from typing import Any

import aiomqtt

from spineball.mqtt.discovery import ENTITIES, discovery_config
from spineball.mqtt.publisher import Publisher
from spineball.mqtt.topics import BallTopics
from tests.mqtt.broker import HOST, Broker
from tests.mqtt.conftest import plain_settings
from tests.mqtt.helpers import recording, sample_state

#: Home Assistant's discovery topic rule and the units its device classes accept
#: (HA sensor docs: battery %, signal_strength dB/dBm, duration s/min/h/d, distance mm…).
TOPIC_RULE = re.compile(r"[^/]+/device/[a-zA-Z0-9_-]+/config")
UNITS_FOR_CLASS = {
    "battery": {"%"},
    "signal_strength": {"dB", "dBm"},
    "duration": {"s", "min", "h", "d", "ms"},
    "distance": {"mm", "cm", "m", "km"},
}
BINARY_CLASSES = {"safety", "problem", "connectivity"}
STATE_CLASSES = {"measurement", "total", "total_increasing"}


def check_ha_device_payload(config: dict[str, Any]) -> None:
    """The fields Home Assistant requires of a device-based discovery payload."""
    device, origin, components = config["dev"], config["o"], config["cmps"]
    assert device["ids"]
    assert device["name"]
    assert origin["name"]
    assert components
    unique_ids = set()
    for component in components.values():
        assert component["p"] in {"sensor", "binary_sensor"}
        assert component["unique_id"] not in unique_ids
        unique_ids.add(component["unique_id"])
        assert "{{" in component["value_template"]
        device_class = component.get("device_class")
        if component["p"] == "binary_sensor":
            assert device_class is None or device_class in BINARY_CLASSES
            assert "unit_of_measurement" not in component
        elif device_class == "enum":
            # HA: enum sensors list their options and carry no unit or state class
            assert component["options"]
            assert "unit_of_measurement" not in component
            assert "state_class" not in component
        elif device_class is not None:
            assert component["unit_of_measurement"] in UNITS_FOR_CLASS[device_class]
        if "state_class" in component:
            assert component["state_class"] in STATE_CLASSES
        if "entity_category" in component:
            assert component["entity_category"] == "diagnostic"
    assert config["availability_topic"].endswith("/availability")
    assert config["payload_available"] == "online"
    assert config["payload_not_available"] == "offline"


def test_discovery_payload_shape() -> None:
    topics = BallTopics("spineball", "room3-ball")
    config = discovery_config(topics, room="Room 3")
    check_ha_device_payload(config)
    assert TOPIC_RULE.fullmatch(topics.discovery)
    assert config["state_topic"] == "spineball/room3-ball/state"
    assert config["dev"]["sa"] == "Room 3"
    keys = {c["unique_id"].rsplit("_", 1)[-1] for c in config["cmps"].values()}
    for needed in ("load", "level", "dwell", "now", "battery", "rssi", "alert"):
        assert needed in keys, needed
    lumbar = config["cmps"]["room3-ball_lumbar_alert"]
    assert lumbar["p"] == "binary_sensor"
    assert lumbar["device_class"] == "safety"
    assert len(config["cmps"]) == len(ENTITIES)


async def test_announces_retained_and_again_when_home_assistant_comes_online(
    broker: Broker, prefix: str
) -> None:
    discovery_prefix = prefix.replace("/spineball", "/ha")
    settings = plain_settings(broker, prefix, discovery_prefix=discovery_prefix)
    config_topic = f"{discovery_prefix}/device/ball-7/config"
    async with (
        recording(broker.plain_port, config_topic) as seen,
        Publisher(settings, "ball-7") as publisher,
    ):
        publisher.update(sample_state("ball-7"))
        (first,) = await seen.wait_count(config_topic, 1)
        # Home Assistant restarts: its birth message asks every device to announce again
        async with aiomqtt.Client(HOST, broker.plain_port) as home_assistant:
            await home_assistant.publish(f"{discovery_prefix}/status", b"online", qos=1)
        messages = await seen.wait_count(config_topic, 2)
        assert len(messages) == 2
        # "offline" (HA's last will) is no reason to announce
        async with aiomqtt.Client(HOST, broker.plain_port) as home_assistant:
            await home_assistant.publish(f"{discovery_prefix}/status", b"offline", qos=1)
            await home_assistant.publish(f"{discovery_prefix}/status", b"online", qos=1)
        await seen.wait_count(config_topic, 3)
    assert len(seen.on(config_topic)) == 3
    config = json.loads(first.payload)
    check_ha_device_payload(config)
    assert config["state_topic"] == f"{prefix}/ball-7/state"
    # the room comes from the state the ball published
    assert json.loads(seen.on(config_topic)[-1].payload)["dev"]["sa"] == "Room 3"
    # retained: Home Assistant starting later still finds the device
    async with recording(broker.plain_port, config_topic) as late:
        (retained,) = await late.wait_count(config_topic, 1)
    assert retained.retain
