"""Home Assistant MQTT discovery: one device-based config message per ball.

Device-based discovery (``<prefix>/device/<ball-id>/config``, Home Assistant
2024.11+) announces every entity of a ball in ONE retained message with the
device, origin and availability given once; per-entity topics would need ~20
messages per ball and per re-announce, and a half-delivered set leaves a
half-built device. docs/mqtt.md explains the choice and how to remove a ball.

Entities are a declarative table (what to read from the state JSON, the
unit, the HA device class); the payload builder just walks it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from spineball import __version__
from spineball.mqtt.topics import BallTopics


@dataclass(frozen=True, slots=True)
class Entity:
    key: str
    name: str
    platform: str  # "sensor" | "binary_sensor"
    template: str
    unit: str | None = None
    device_class: str | None = None
    state_class: str | None = None
    icon: str | None = None
    diagnostic: bool = False
    options: tuple[str, ...] = ()


#: Every entity a ball exposes, read from the retained state JSON (docs/mqtt.md).
ENTITIES: Final[tuple[Entity, ...]] = (
    Entity(
        "load",
        "Load",
        "sensor",
        "{{ value_json.load_n }}",
        "N",
        state_class="measurement",
        icon="mdi:weight",
    ),
    Entity(
        "level",
        "Spine level",
        "sensor",
        "{{ value_json.level or 'off' }}",
        icon="mdi:human-handsdown",
    ),
    Entity(
        "position",
        "Position along the back",
        "sensor",
        "{{ value_json.position_mm }}",
        "mm",
        device_class="distance",
        state_class="measurement",
    ),
    Entity(
        "spot_dwell",
        "Time on spot",
        "sensor",
        "{{ value_json.spot_dwell_s or 0 }}",
        "s",
        device_class="duration",
        state_class="measurement",
    ),
    Entity(
        "session_time",
        "Session time",
        "sensor",
        "{{ value_json.session_s }}",
        "s",
        device_class="duration",
        state_class="measurement",
    ),
    Entity(
        "planned",
        "Planned today",
        "sensor",
        "{{ value_json.planned_min }}",
        "min",
        device_class="duration",
    ),
    Entity(
        "pain_first",
        "Pain (first)",
        "sensor",
        "{{ value_json.pain.first }}",
        state_class="measurement",
        icon="mdi:emoticon-sad-outline",
    ),
    Entity(
        "pain_now",
        "Pain",
        "sensor",
        "{{ value_json.pain.now }}",
        state_class="measurement",
        icon="mdi:emoticon-neutral-outline",
    ),
    Entity(
        "pain_target", "Pain target", "sensor", "{{ value_json.pain.target }}", icon="mdi:target"
    ),
    Entity(
        "bends_left",
        "Side bends left",
        "sensor",
        "{{ value_json.side_bends.left }}",
        state_class="measurement",
        icon="mdi:arrow-left-bold",
    ),
    Entity(
        "bends_right",
        "Side bends right",
        "sensor",
        "{{ value_json.side_bends.right }}",
        state_class="measurement",
        icon="mdi:arrow-right-bold",
    ),
    Entity(
        "lumbar",
        "Lumbar guard",
        "sensor",
        "{{ value_json.lumbar }}",
        device_class="enum",
        options=("none", "amber", "red"),
    ),
    Entity(
        "lumbar_alert",
        "Lumbar alert",
        "binary_sensor",
        "{{ 'ON' if value_json.lumbar != 'none' else 'OFF' }}",
        device_class="safety",
    ),
    Entity(
        "alarm",
        "Alarm",
        "binary_sensor",
        "{{ 'ON' if value_json.alarms | length > 0 else 'OFF' }}",
        device_class="problem",
    ),
    Entity(
        "advice",
        "Inflation advice",
        "sensor",
        "{{ value_json.advice.action if value_json.advice else 'keep' }}",
        device_class="enum",
        options=("increase", "decrease", "keep"),
        icon="mdi:pump",
    ),
    Entity(
        "battery",
        "Battery",
        "sensor",
        "{{ value_json.battery_pct }}",
        "%",
        device_class="battery",
        state_class="measurement",
        diagnostic=True,
    ),
    Entity(
        "rssi",
        "Signal strength",
        "sensor",
        "{{ value_json.link.rssi_dbm }}",
        "dBm",
        device_class="signal_strength",
        state_class="measurement",
        diagnostic=True,
    ),
    Entity(
        "loss",
        "Packet loss",
        "sensor",
        "{{ value_json.link.loss_pct }}",
        "%",
        state_class="measurement",
        diagnostic=True,
        icon="mdi:wifi-strength-alert-outline",
    ),
    Entity(
        "link",
        "Ball link",
        "binary_sensor",
        "{{ 'ON' if value_json.link.connected else 'OFF' }}",
        device_class="connectivity",
        diagnostic=True,
    ),
    Entity(
        "reconnects",
        "Link reconnects",
        "sensor",
        "{{ value_json.link.reconnects }}",
        state_class="total_increasing",
        diagnostic=True,
        icon="mdi:restart",
    ),
)


def _component(entity: Entity, ball_id: str) -> dict[str, Any]:
    config: dict[str, Any] = {
        "p": entity.platform,
        "name": entity.name,
        "unique_id": f"spineball_{ball_id}_{entity.key}",
        "value_template": entity.template,
    }
    optional = {
        "unit_of_measurement": entity.unit,
        "device_class": entity.device_class,
        "state_class": entity.state_class,
        "icon": entity.icon,
    }
    config.update({k: v for k, v in optional.items() if v is not None})
    if entity.options:
        config["options"] = list(entity.options)
    if entity.diagnostic:
        config["entity_category"] = "diagnostic"
    return config


def discovery_config(topics: BallTopics, *, room: str = "", qos: int = 1) -> dict[str, Any]:
    """The device discovery payload for one ball (HA abbreviations: dev, o, cmps, p)."""
    device: dict[str, Any] = {
        "ids": [f"spineball_{topics.ball_id}"],
        "name": f"Spineball {room}" if room else f"Spineball {topics.ball_id}",
        "mf": "spineball",
        "mdl": "Pressure-sensing exercise ball",
        "sw": __version__,
        "sn": topics.ball_id,
    }
    if room:
        device["sa"] = room
    return {
        "dev": device,
        "o": {
            "name": "spineball",
            "sw": __version__,
            "url": "https://github.com/spineball/spineball",
        },
        "cmps": {f"{topics.ball_id}_{e.key}": _component(e, topics.ball_id) for e in ENTITIES},
        "state_topic": topics.state,
        "availability_topic": topics.availability,
        "payload_available": "online",
        "payload_not_available": "offline",
        "qos": qos,
    }


def discovery_payload(topics: BallTopics, *, room: str = "", qos: int = 1) -> bytes:
    return json.dumps(discovery_config(topics, room=room, qos=qos), separators=(",", ":")).encode()
