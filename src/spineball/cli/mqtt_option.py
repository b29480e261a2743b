"""``--mqtt URL`` for every command that talks to a broker (record, dash, monitor).

    @click.command()
    @mqtt_option
    def record(mqtt_url: str | None) -> None:
        settings = resolve_mqtt(mqtt_url)          # None: MQTT off
        ...

The URL overrides ``url`` in the ``[mqtt]`` table of the settings file; the
rest of that table (TLS files, client id, QoS…) still applies. Passwords
never come from the command line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

from spineball import config
from spineball.cli.errors import fail
from spineball.mqtt.settings import PASSWORD_ENV, MqttSettings, MqttSettingsError, settings_from

F = TypeVar("F", bound=Callable[..., object])

MQTT_HELP = (
    "MQTT broker to publish to / read from: mqtt://HOST[:PORT] or mqtts://[USER@]HOST[:PORT]. "
    f"Overrides url in the [mqtt] settings. The password comes from {PASSWORD_ENV} "
    "or the settings file, never from the URL."
)


def mqtt_option(func: F) -> F:
    """Add ``--mqtt URL`` (passed to the command as ``mqtt_url``)."""
    return click.option("--mqtt", "mqtt_url", metavar="URL", default=None, help=MQTT_HELP)(func)


def resolve_mqtt(mqtt_url: str | None, *, required: bool = False) -> MqttSettings | None:
    """Settings from ``--mqtt`` and the settings file; None if no broker is configured.

    Any mistake ends the command with one clear line (``spineball: error: …``).
    """
    try:
        table = config.section(config.load_settings(), "mqtt")
        settings = settings_from(table, url=mqtt_url)
    except MqttSettingsError as err:
        source = "--mqtt" if mqtt_url is not None else str(config.config_path())
        fail(f"{source}: {err}")
    except config.ConfigError as err:
        fail(str(err))
    if settings is None and required:
        fail(
            "no MQTT broker given: pass --mqtt mqtt://HOST:1883 or set url in the [mqtt] "
            f"table of {config.config_path()}"
        )
    return settings
