"""MQTT publishing for clinics and smart homes (aiomqtt), see docs/mqtt.md.

The monitor app lives in ``spineball.mqtt.monitor`` (it needs Textual) and is
not imported here.
"""

from spineball.mqtt.publisher import Publisher, PublisherStatus
from spineball.mqtt.schema import (
    Alert,
    BallState,
    FlexionSummary,
    InflationAdvice,
    LinkHealth,
    LumbarAlertSummary,
    Pain,
    SchemaError,
    SessionSummary,
    SideBends,
    SpotSummary,
)
from spineball.mqtt.settings import MqttSettings, MqttSettingsError, settings_from

__all__ = [
    "Alert",
    "BallState",
    "FlexionSummary",
    "InflationAdvice",
    "LinkHealth",
    "LumbarAlertSummary",
    "MqttSettings",
    "MqttSettingsError",
    "Pain",
    "Publisher",
    "PublisherStatus",
    "SchemaError",
    "SessionSummary",
    "SideBends",
    "SpotSummary",
    "settings_from",
]
