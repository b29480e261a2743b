"""How the dashboard reaches a ball: attach to (or start) its recorder; scan, pair and forget.

No Textual here. The recorder is a separate process (``spineball record
--serve``) that keeps recording when the dashboard quits; the dashboard only
attaches to it over its local socket (:func:`spineball.session.launcher.ensure_recorder`).
Scanning and pairing open the radio just for that step, so the recorder can
have it afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from spineball.session.api import BallInfo, SessionClient

if TYPE_CHECKING:  # the BLE stack loads only when a ball is actually reached
    from spineball.session.radio import RadioSpec

SCAN_S: Final = 4.0  # long enough to hear a ball advertising every 100–1000 ms
PAIR_WAIT_S: Final = 120.0  # the pairing window stays open two minutes after the button hold


class ConnectError(Exception):
    """The dashboard could not reach a recorder or a ball; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class RecorderConnection:
    """Attach to the recorder of ``ball`` (any running one if None), starting it if needed."""

    radio: RadioSpec
    ball: str | None = None
    db_path: Path | None = None
    extra_args: tuple[str, ...] = ()  # more ``spineball record`` options for a new recorder

    def for_ball(self, ball: str) -> RecorderConnection:
        return RecorderConnection(self.radio, ball, self.db_path, self.extra_args)

    async def attach(self) -> SessionClient:
        from spineball.session.launcher import RecorderStartError, ensure_recorder

        try:
            return await ensure_recorder(
                self.ball, radio=self.radio, db=self.db_path, extra_args=self.extra_args
            )
        except RecorderStartError as err:
            raise ConnectError(str(err)) from None
        except OSError as err:
            raise ConnectError(f"cannot reach the recorder: {err.strerror or err}") from None

    def why_lost(self) -> str:
        """After the updates stopped: the recorder's last words if it is gone, else ""."""
        from spineball.session.runtime import log_path, socket_path
        from spineball.session.server import socket_alive

        if socket_alive(socket_path(self.ball)):
            return ""
        try:
            lines = log_path(self.ball).read_text(errors="replace").splitlines()
        except OSError:
            return "the recorder stopped"
        last = next((ln for ln in reversed(lines) if ln.strip()), "")
        return "the recorder stopped: " + (last.removeprefix("spineball: error: ") or "no message")


@dataclass(frozen=True, slots=True)
class BallFinder:
    """Scan, pair and forget through ``radio`` (the Pair screen; ``spineball scan/pair``)."""

    radio: RadioSpec

    async def scan(self, timeout_s: float = SCAN_S) -> list[BallInfo]:
        from spineball.ble.link import scan
        from spineball.session.radio import open_radio

        try:
            async with open_radio(self.radio) as radio:
                return await scan(radio.backend, timeout_s)
        except _radio_errors() as err:
            raise ConnectError(_words(err)) from None

    async def pair(self, address: str, say: Callable[[str], None]) -> str:
        """Pair with the ball (waiting for its pairing window); returns its name."""
        from spineball.ble.link import pair
        from spineball.session.radio import open_radio

        try:
            async with open_radio(self.radio) as radio:
                result = await pair(radio.backend, address, wait_s=PAIR_WAIT_S, say=say)
        except _radio_errors() as err:
            raise ConnectError(_words(err)) from None
        return result.identity.name or address

    async def forget(self, address: str) -> tuple[str, ...]:
        """Clear the bond on both sides; returns notes on what could not be done."""
        from spineball.ble.link import forget
        from spineball.session.radio import open_radio

        try:
            async with open_radio(self.radio) as radio:
                result = await forget(radio.backend, address)
        except _radio_errors() as err:
            raise ConnectError(_words(err)) from None
        return result.notes


def _radio_errors() -> tuple[type[BaseException], ...]:
    from bleak.exc import BleakError

    from spineball.ble.link import LinkError

    return (LinkError, BleakError, OSError)


def _words(err: BaseException) -> str:
    text = str(err).strip()
    return text or type(err).__name__
