"""``spineball monitor``: every ball on the broker, live, in one terminal."""

from __future__ import annotations

import click

from spineball.cli.errors import fail
from spineball.cli.mqtt_option import mqtt_option, resolve_mqtt


@click.command()
@mqtt_option
@click.option(
    "--stale-after",
    type=click.FloatRange(min=1.0),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Grey out a ball that sent no state for this long.",
)
def monitor(mqtt_url: str | None, stale_after: float) -> None:
    """Watch every ball publishing to an MQTT broker (one line per treatment room).

    Alerts are highlighted; balls that went offline or stopped sending are
    greyed. Press q to quit.
    """
    settings = resolve_mqtt(mqtt_url, required=True)
    assert settings is not None
    from spineball.mqtt.monitor import MonitorApp  # Textual loads only for this command

    try:
        MonitorApp(settings, stale_after_s=stale_after).run()
    except KeyboardInterrupt:
        fail("interrupted")
