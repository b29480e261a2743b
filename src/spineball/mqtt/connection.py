"""From settings to an aiomqtt client, a reconnect loop, and errors people can read."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiomqtt
from aiomqtt.exceptions import MqttCodeError, MqttConnectError

from spineball.mqtt.backoff import Backoff
from spineball.mqtt.settings import MqttSettings, MqttSettingsError

log = logging.getLogger("spineball.mqtt")

#: CONNACK codes meaning "your credentials were refused": MQTT 3.1.1 return
#: codes 4/5 and MQTT 5 reason codes 0x86/0x87/0x8C (OASIS spec, CONNACK).
_AUTH_CODES = frozenset({4, 5, 0x86, 0x87, 0x8C})


def tls_context(settings: MqttSettings) -> ssl.SSLContext | None:
    """Server verification against ``ca_file`` (or the system store) + optional client cert."""
    if not settings.tls:
        return None
    try:
        context = ssl.create_default_context(
            cafile=str(settings.ca_file) if settings.ca_file else None
        )
        if settings.cert_file and settings.key_file:
            context.load_cert_chain(str(settings.cert_file), str(settings.key_file))
    except (OSError, ssl.SSLError) as err:
        raise MqttSettingsError(f"mqtt: cannot load TLS files: {err}") from None
    return context


def make_client(
    settings: MqttSettings,
    *,
    will: aiomqtt.Will | None = None,
    client_id: str | None = None,
    logger: logging.Logger | None = None,
    timeout_s: float = 5.0,
) -> aiomqtt.Client:
    """A configured, not yet connected client (enter it with ``async with``)."""
    return aiomqtt.Client(
        settings.host,
        settings.port,
        username=settings.username,
        password=settings.password,
        identifier=client_id or settings.client_id,
        will=will,
        keepalive=settings.keepalive_s,
        tls_context=tls_context(settings),
        timeout=timeout_s,
        logger=logger or log.getChild("client"),
    )


def describe(err: BaseException, settings: MqttSettings) -> str:
    """One line that says what went wrong and what to do (never the password)."""
    where = settings.url
    if isinstance(err, MqttConnectError):
        if is_auth_error(err):
            who = f"user {settings.username!r}" if settings.username else "anonymous login"
            return (
                f"broker {where} refused the login ({who}): wrong user name or password, "
                "or the user is not allowed"
            )
        return f"broker {where} refused the connection: {err}"
    if isinstance(err, MqttCodeError):
        return f"lost the connection to broker {where} ({err})"
    text = str(err)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return (
            f"broker {where}: its TLS certificate is not trusted ({text}); "
            "set ca_file in [mqtt] to the CA that signed it"
        )
    if "Connection refused" in text or "Errno 111" in text:
        return f"broker {where} is not reachable (connection refused)"
    if "timed out" in text.lower():
        return f"broker {where} did not answer in time"
    return f"broker {where}: {text or type(err).__name__}"


def _code(err: BaseException) -> int | None:
    rc = getattr(err, "rc", None)
    if rc is None:
        return None
    value = getattr(rc, "value", rc)
    return value if isinstance(value, int) else None


def is_auth_error(err: BaseException) -> bool:
    """Only a CONNACK can refuse a login; other codes share the small numbers."""
    return isinstance(err, MqttConnectError) and _code(err) in _AUTH_CODES


@dataclass
class LinkStatus:
    """What a long-running client knows about its broker connection."""

    connected: bool = False
    connects: int = 0
    last_error: str | None = None

    @property
    def reconnects(self) -> int:
        return max(0, self.connects - 1)


async def run_forever(
    connect: Callable[[], aiomqtt.Client],
    session: Callable[[aiomqtt.Client], Awaitable[None]],
    settings: MqttSettings,
    status: LinkStatus,
    *,
    stop: asyncio.Event,
    backoff: Backoff | None = None,
    on_change: Callable[[LinkStatus], None] | None = None,
) -> None:
    """Connect, run ``session``, and on any broker trouble wait (backoff) and again, until ``stop``.

    ``session`` returning normally ends the loop (a graceful close). Errors are
    logged once per change of message, so a broker that stays down does not
    flood the log.
    """
    delays = backoff or Backoff()
    notify = on_change or (lambda _status: None)
    while not stop.is_set():
        try:
            async with connect() as client:
                status.connected = True
                status.connects += 1
                status.last_error = None
                delays.reset()
                log.info("connected to %s", settings.url)
                notify(status)
                await session(client)
                return
        except (aiomqtt.MqttError, OSError) as err:  # OSError: e.g. a failing TLS handshake
            message = describe(err, settings)
            refused = is_auth_error(err)
        except Exception as err:  # a supervisor: log it loudly, then reconnect like any failure
            log.exception("unexpected error in the mqtt session")
            message = f"broker {settings.url}: unexpected {type(err).__name__}: {err}"
            refused = False
        finally:
            if status.connected:
                status.connected = False
                notify(status)
        if message != status.last_error:
            log.warning("%s; retrying", message)
        status.last_error = message
        notify(status)
        # wrong credentials will not fix themselves quickly: retry at the slow end
        delay = delays.maximum_s if refused else delays.next_delay()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
