"""The BLE client engine: find, pair, forget, connect and keep a ball streaming.

bleak's public API only; the OS stack by default (:class:`OsBackend`), the
Bumble backend when given (:class:`BumbleBackend`: virtual ball, another
process's ``spineball virtual``, or a USB dongle). See docs/recording.md.

    backend = OsBackend()                                # or BumbleBackend(stack)
    balls = await scan(backend)                          # [BallInfo …]
    await pair(backend, "SB-1A2B", wait_s=120, say=print)
    link = BallLink(backend, stream, ball="SB-1A2B", rate=Rate.HZ_100)
    await link.wait_connected()                          # streaming into stream
    link.state()                                         # LinkState for the UI
    await link.buzz(BuzzPattern.DOUBLE)
    await link.stop()                                    # STOP, stream finished
    await forget(backend, "SB-1A2B")                     # CLEAR_BONDS + our bond
"""

from spineball.ble.link.backend import BleBackend, BumbleBackend, OsBackend
from spineball.ble.link.backoff import Backoff
from spineball.ble.link.connection import BallConnection, BallIdentity
from spineball.ble.link.control import COMMAND_TIMEOUT_S, ControlChannel
from spineball.ble.link.engine import BallLink
from spineball.ble.link.errors import (
    BallNotFoundError,
    CommandError,
    LinkError,
    LinkLostError,
    NotPairedError,
    PairingFailedError,
    PairingWindowClosedError,
)
from spineball.ble.link.known import KnownBall, KnownBalls
from spineball.ble.link.pairing import ForgetResult, PairResult, forget, pair
from spineball.ble.link.scan import Sighting, discover, find, scan

__all__ = [
    "COMMAND_TIMEOUT_S",
    "Backoff",
    "BallConnection",
    "BallIdentity",
    "BallLink",
    "BallNotFoundError",
    "BleBackend",
    "BumbleBackend",
    "CommandError",
    "ControlChannel",
    "ForgetResult",
    "KnownBall",
    "KnownBalls",
    "LinkError",
    "LinkLostError",
    "NotPairedError",
    "OsBackend",
    "PairResult",
    "PairingFailedError",
    "PairingWindowClosedError",
    "Sighting",
    "discover",
    "find",
    "forget",
    "pair",
    "scan",
]
