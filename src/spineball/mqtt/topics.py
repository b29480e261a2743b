"""The topic scheme (docs/mqtt.md is the reference).

``<prefix>/<ball-id>/state``         retained, ≤ 2 Hz, the newest BallState
``<prefix>/<ball-id>/availability``  retained ``online`` / ``offline`` (also the last will)
``<prefix>/<ball-id>/summary``       retained, the last SessionSummary
``<prefix>/<ball-id>/alert``         not retained, QoS ≥ 1, one message per Alert
``<discovery>/device/<ball-id>/config``  Home Assistant device discovery (retained)
``<discovery>/status``               Home Assistant's birth/will; ``online`` → announce again
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from spineball.mqtt.schema import check_ball_id

DEFAULT_PREFIX: Final = "spineball"
DEFAULT_DISCOVERY_PREFIX: Final = "homeassistant"
ONLINE: Final = b"online"
OFFLINE: Final = b"offline"

Channel = Literal["state", "availability", "summary", "alert"]
CHANNELS: Final[tuple[Channel, ...]] = ("state", "availability", "summary", "alert")


def check_prefix(prefix: str, what: str = "topic prefix") -> str:
    """A publish prefix: non-empty levels, no wildcards, no leading/trailing '/'."""
    levels = prefix.split("/")
    if not prefix or any(not level or "+" in level or "#" in level for level in levels):
        raise ValueError(f"{what} {prefix!r} must be '/'-separated names without '+' or '#'")
    return prefix


@dataclass(frozen=True, slots=True)
class BallTopics:
    prefix: str
    ball_id: str
    discovery_prefix: str = DEFAULT_DISCOVERY_PREFIX

    def __post_init__(self) -> None:
        check_prefix(self.prefix)
        check_prefix(self.discovery_prefix, "discovery prefix")
        check_ball_id(self.ball_id)

    def channel(self, name: Channel) -> str:
        return f"{self.prefix}/{self.ball_id}/{name}"

    @property
    def state(self) -> str:
        return self.channel("state")

    @property
    def availability(self) -> str:
        return self.channel("availability")

    @property
    def summary(self) -> str:
        return self.channel("summary")

    @property
    def alert(self) -> str:
        return self.channel("alert")

    @property
    def discovery(self) -> str:
        return f"{self.discovery_prefix}/device/{self.ball_id}/config"

    @property
    def ha_status(self) -> str:
        return f"{self.discovery_prefix}/status"


def fleet_filters(prefix: str) -> list[str]:
    """Subscriptions that see every ball under ``prefix``."""
    check_prefix(prefix)
    return [f"{prefix}/+/{name}" for name in CHANNELS]


def split_topic(prefix: str, topic: str) -> tuple[str, Channel] | None:
    """``<prefix>/<ball>/<channel>`` → (ball id, channel); None for anything else."""
    head = prefix + "/"
    if not topic.startswith(head):
        return None
    parts = topic[len(head) :].split("/")
    if len(parts) != 2:
        return None
    ball_id, name = parts
    for channel in CHANNELS:
        if name == channel:
            return ball_id, channel
    return None
