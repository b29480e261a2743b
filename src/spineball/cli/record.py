"""``spineball record``: record a session headless, with one live status line."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from spineball.cli.ball_options import radio_options, radio_spec, run
from spineball.cli.mqtt_option import mqtt_option, resolve_mqtt

if TYPE_CHECKING:
    from spineball.mqtt import MqttSettings
    from spineball.session.radio import RadioSpec
    from spineball.session.recorder import SessionRecorder

PLAIN_STATUS_EVERY_S = 10.0  # when stderr is not a terminal (a log file), a line this often


def _say(message: str) -> None:
    click.echo(message, err=True)


async def _show_status(recorder: SessionRecorder) -> None:
    from spineball.cli.status_line import status_line

    tty = sys.stderr.isatty()
    last_plain = 0.0
    while True:
        await asyncio.sleep(0.5)
        update = recorder.hub.latest
        if update is None:
            continue
        line = status_line(
            update, recorder.stream.health().delivered, recorder.stream.session_time()
        )
        if tty:
            sys.stderr.write(f"\r{line}\x1b[K")
            sys.stderr.flush()
        elif time.monotonic() - last_plain >= PLAIN_STATUS_EVERY_S:
            last_plain = time.monotonic()
            _say(line)


def _end_on_signals(loop: asyncio.AbstractEventLoop, recorder: SessionRecorder) -> list[int]:
    """Ctrl-C and SIGTERM end the session cleanly (where the platform lets us catch them)."""
    handled: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, recorder.end)
            handled.append(signum)
        except (NotImplementedError, RuntimeError):
            pass
    return handled


async def _end_after(recorder: SessionRecorder, duration_s: float) -> None:
    await recorder.recording.wait()
    await asyncio.sleep(duration_s)
    recorder.end()


async def _record(
    ball: str | None,
    spec: RadioSpec,
    rate_hz: int,
    db_path: Path | None,
    mqtt: MqttSettings | None,
    serve: bool,
    duration_s: float | None,
    profile: dict[str, float | None],
    names: dict[str, str],
) -> None:
    from spineball.ble.link import BallLink
    from spineball.protocol import Rate
    from spineball.session.profile import session_meta
    from spineball.session.radio import open_radio
    from spineball.session.recorder import SessionRecorder
    from spineball.session.runtime import socket_path
    from spineball.session.server import RecorderServer
    from spineball.store import Database
    from spineball.stream import SampleStream

    loop = asyncio.get_running_loop()
    async with open_radio(spec) as radio:
        meta = session_meta(float(rate_hz), base=radio.virtual_meta, **profile)
        with Database.open(db_path) as db:
            stream = SampleStream(start_index=0)  # START makes the first sample index 0
            link = BallLink(radio.backend, stream, ball=ball, rate=Rate.from_hz(rate_hz), say=_say)
            recorder = SessionRecorder(
                link,
                db,
                meta,
                source="virtual" if spec.virtual else "ble",
                mqtt=mqtt,
                ball_id=names["ball_id"] or None,
                room=names["room"],
                person=names["person"],
            )
            handled = _end_on_signals(loop, recorder)
            server = None
            if serve:
                server = RecorderServer(recorder.hub, recorder.apply, socket_path(ball))
                await server.start()
            if duration_s is not None:
                timer = asyncio.create_task(_end_after(recorder, duration_s))
            _say(
                f"recording from {ball or 'the nearest paired ball'} via {spec.label}; "
                "Ctrl-C ends the session"
            )
            status = asyncio.create_task(_show_status(recorder))
            run = asyncio.create_task(recorder.run())
            try:
                try:
                    session_id = await asyncio.shield(run)
                except asyncio.CancelledError:
                    # Ctrl-C where signal handlers are not available (Windows): asyncio
                    # cancels the main task; the session still ends cleanly.
                    recorder.end()
                    session_id = await run
            finally:
                status.cancel()
                if duration_s is not None:
                    timer.cancel()
                if sys.stderr.isatty():
                    sys.stderr.write("\n")
                if server is not None:
                    await server.close()
                for signum in handled:
                    loop.remove_signal_handler(signum)
            summary = db.session(session_id)
            minutes, seconds = divmod(round(summary.duration_s), 60)
            gaps = f"{summary.gaps} gap{'s' if summary.gaps != 1 else ''}"
            if summary.gaps:
                gaps += f" ({summary.missing / summary.sample_rate_hz:.1f} s)"
            click.echo(
                f"session {session_id} {summary.state}: {minutes}:{seconds:02d}, "
                f"{summary.samples} samples, {gaps}"
            )
            stop = (recorder.result or {}).get("symptom_stop")
            if isinstance(stop, dict):
                _say(str(stop.get("advice", "")))


@click.command()
@click.argument("ball", required=False)
@click.option(
    "--rate",
    type=click.Choice(["25", "50", "100", "200"]),
    default="100",
    show_default=True,
    help="Samples per second.",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Database file (default: spineball.db in the user data directory).",
)
@mqtt_option
@click.option("--serve", is_flag=True, help="Serve dashboards on a local socket.")
@click.option(
    "--duration",
    "duration_s",
    type=click.FloatRange(min=1.0),
    default=None,
    metavar="SECONDS",
    help="End the session after this long of recording (default: Ctrl-C or the dashboard).",
)
@click.option("--height", "height_m", type=click.FloatRange(1.0, 2.5), help="Your height in m.")
@click.option("--mass", "mass_kg", type=click.FloatRange(25.0, 250.0), help="Your mass in kg.")
@click.option(
    "--ball-radius", "radius_m", type=click.FloatRange(0.05, 0.5), help="Ball radius in m."
)
@click.option(
    "--inflation",
    "rest_gauge_kpa",
    type=click.FloatRange(1.0, 50.0),
    help="The ball's inflation (gauge kPa, unloaded).",
)
@click.option("--ball-id", default="", help="MQTT ball id (default: the ball's name).")
@click.option("--room", default="", help="MQTT: the room shown on the clinic's monitor.")
@click.option("--person", default="", help="MQTT: a short alias (initials), never a full name.")
@radio_options
def record(
    ball: str | None,
    rate: str,
    db_path: Path | None,
    mqtt_url: str | None,
    serve: bool,
    duration_s: float | None,
    height_m: float | None,
    mass_kg: float | None,
    radius_m: float | None,
    rest_gauge_kpa: float | None,
    ball_id: str,
    room: str,
    person: str,
    virtual: bool,
    transport: str | None,
    seed: int,
    time_scale: float,
) -> None:
    """Record a session from a paired ball until Ctrl-C (status on stderr).

    Ctrl-C or SIGTERM ends the session cleanly: the ball is stopped, the last
    samples are committed, the session is marked finished and, with --mqtt,
    its summary is published. Link drops are repaired from the ball's memory.
    """
    spec = radio_spec(virtual, transport, seed, time_scale)
    mqtt = resolve_mqtt(mqtt_url)
    profile: dict[str, float | None] = {
        "height_m": height_m,
        "mass_kg": mass_kg,
        "radius_m": radius_m,
        "rest_gauge_kpa": rest_gauge_kpa,
    }
    names = {"ball_id": ball_id, "room": room, "person": person}
    from spineball.session.server import RecorderRunningError

    try:
        run(_record(ball, spec, int(rate), db_path, mqtt, serve, duration_s, profile, names))
    except RecorderRunningError as err:
        from spineball.cli.errors import fail

        fail(f"{err}: attach to it, or end that session first")
