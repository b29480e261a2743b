"""Where the broker is and how to log in: the ``[mqtt]`` settings table and ``--mqtt URL``.

A URL names the broker: ``mqtt://host[:port]`` (plain, port 1883) or
``mqtts://[user@]host[:port]`` (TLS, port 8883). The password never travels in
a URL (it would show in the process list and shell history): it comes from
``SPINEBALL_MQTT_PASSWORD`` or ``password`` in the settings file. The
password is kept out of ``repr`` and of every message this package logs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote, urlsplit

from spineball.mqtt.topics import DEFAULT_DISCOVERY_PREFIX, DEFAULT_PREFIX, check_prefix

PASSWORD_ENV: Final = "SPINEBALL_MQTT_PASSWORD"
PLAIN_PORT: Final = 1883
TLS_PORT: Final = 8883


class MqttSettingsError(ValueError):
    """A broker URL or an ``[mqtt]`` setting is wrong (one clear line)."""


@dataclass(frozen=True)
class MqttSettings:
    host: str
    port: int = PLAIN_PORT
    tls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    client_id: str | None = None
    #: QoS for state, availability and discovery; summaries and alerts always use ≥ 1
    qos: int = 1
    keepalive_s: int = 30
    topic_prefix: str = DEFAULT_PREFIX
    discovery: bool = True
    discovery_prefix: str = DEFAULT_DISCOVERY_PREFIX

    def __post_init__(self) -> None:
        if not self.host:
            raise MqttSettingsError("mqtt: the broker host is empty")
        if not 0 < self.port < 65536:
            raise MqttSettingsError(f"mqtt: port {self.port} is out of range")
        if self.qos not in (0, 1, 2):
            raise MqttSettingsError(f"mqtt: qos must be 0, 1 or 2, not {self.qos}")
        if not 5 <= self.keepalive_s <= 3600:
            raise MqttSettingsError("mqtt: keepalive_s must be between 5 and 3600 seconds")
        if (self.cert_file is None) != (self.key_file is None):
            raise MqttSettingsError("mqtt: cert_file and key_file go together")
        if (self.ca_file or self.cert_file) and not self.tls:
            raise MqttSettingsError("mqtt: ca_file/cert_file need TLS: use an mqtts:// URL")
        try:
            check_prefix(self.topic_prefix)
            check_prefix(self.discovery_prefix, "discovery prefix")
        except ValueError as err:
            raise MqttSettingsError(f"mqtt: {err}") from None

    @property
    def url(self) -> str:
        """The broker as a URL, safe to show and log (never contains the password)."""
        scheme = "mqtts" if self.tls else "mqtt"
        user = f"{self.username}@" if self.username else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{user}{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class BrokerUrl:
    host: str
    port: int
    tls: bool
    username: str | None


def parse_url(url: str) -> BrokerUrl:
    """``mqtt://host:port`` / ``mqtts://user@host:port`` → parts; refuses passwords."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as err:
        raise MqttSettingsError(f"broker URL {url!r}: {err}") from None
    if parts.scheme not in ("mqtt", "mqtts"):
        raise MqttSettingsError(
            f"broker URL must start with mqtt:// or mqtts:// (e.g. mqtt://localhost:1883): {url!r}"
        )
    if parts.password is not None:
        raise MqttSettingsError(
            "broker URL must not contain a password (it would show in the process list "
            f"and shell history); set {PASSWORD_ENV} or 'password' in the [mqtt] settings"
        )
    if not parts.hostname:
        raise MqttSettingsError("broker URL has no host, e.g. mqtt://localhost:1883")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise MqttSettingsError("broker URL takes only scheme://[user@]host[:port]")
    tls = parts.scheme == "mqtts"
    return BrokerUrl(
        host=parts.hostname,
        port=port or (TLS_PORT if tls else PLAIN_PORT),
        tls=tls,
        username=unquote(parts.username) if parts.username else None,
    )


_STR_KEYS: Final = ("username", "password", "client_id", "topic_prefix", "discovery_prefix")
_PATH_KEYS: Final = ("ca_file", "cert_file", "key_file")
_INT_KEYS: Final = ("qos", "keepalive_s")
_KNOWN_KEYS: Final = frozenset(("url", "discovery", *_STR_KEYS, *_PATH_KEYS, *_INT_KEYS))


def settings_from(
    table: Mapping[str, Any],
    url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> MqttSettings | None:
    """Settings from the ``[mqtt]`` table, overridden by ``url``; None when no broker is set.

    ``url`` (the ``--mqtt`` option) replaces the table's ``url``; the table's
    TLS files, client id and so on still apply. The password comes from the
    environment first, then the table.
    """
    env = os.environ if environ is None else environ
    unknown = sorted(set(table) - _KNOWN_KEYS)
    if unknown:
        raise MqttSettingsError(f"[mqtt]: unknown setting {unknown[0]!r}")
    chosen = url if url is not None else table.get("url")
    if chosen is None:
        return None
    if not isinstance(chosen, str):
        raise MqttSettingsError("[mqtt] url must be a string")
    broker = parse_url(chosen)
    options: dict[str, Any] = {}
    for key in _STR_KEYS:
        if key in table:
            if not isinstance(table[key], str):
                raise MqttSettingsError(f"[mqtt] {key} must be a string")
            options[key] = table[key]
    for key in _PATH_KEYS:
        if key in table:
            if not isinstance(table[key], str):
                raise MqttSettingsError(f"[mqtt] {key} must be a path string")
            options[key] = Path(table[key]).expanduser()
            if not options[key].is_file():
                raise MqttSettingsError(f"[mqtt] {key}: {options[key]} is not a readable file")
    for key in _INT_KEYS:
        if key in table:
            if not isinstance(table[key], int) or isinstance(table[key], bool):
                raise MqttSettingsError(f"[mqtt] {key} must be an integer")
            options[key] = table[key]
    if "discovery" in table:
        if not isinstance(table["discovery"], bool):
            raise MqttSettingsError("[mqtt] discovery must be true or false")
        options["discovery"] = table["discovery"]
    if broker.username is not None:
        options["username"] = broker.username
    if env.get(PASSWORD_ENV):
        options["password"] = env[PASSWORD_ENV]
    if options.get("password") and not options.get("username"):
        raise MqttSettingsError("mqtt: a password is set but no user: use mqtts://USER@host")
    return MqttSettings(host=broker.host, port=broker.port, tls=broker.tls, **options)


def with_client_id(settings: MqttSettings, client_id: str) -> MqttSettings:
    """The same broker under another client id (one client per ball)."""
    return replace(settings, client_id=client_id)
