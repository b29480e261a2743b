"""What can go wrong on the link, in words a user can act on.

Every error the link raises is a :class:`LinkError` whose message is one
line; the command line prints it as ``spineball: error: …``. Platform
differences (BlueZ, macOS, Windows) are turned into advice here, so the rest
of the code never needs to know which operating system it runs on.
"""

from __future__ import annotations

import sys
from typing import Final

from bleak.exc import BleakError, BleakGATTProtocolError

#: ATT errors meaning "pair first" (Bluetooth Core Vol 3 Part F 3.4.1.1).
ATT_INSUFFICIENT_AUTHENTICATION: Final = 0x05
ATT_INSUFFICIENT_ENCRYPTION: Final = 0x0F
NEEDS_PAIRING: Final = (ATT_INSUFFICIENT_AUTHENTICATION, ATT_INSUFFICIENT_ENCRYPTION)


class LinkError(Exception):
    """A link problem with a one-line explanation for the user."""


class BallNotFoundError(LinkError):
    """No matching ball advertised within the scan window."""


class NotPairedError(LinkError):
    """The ball refuses encrypted access: this computer holds no bond with it."""


class PairingWindowClosedError(LinkError):
    """The ball does not accept pairing now (protocol §2)."""


class PairingFailedError(LinkError):
    """Pairing was attempted and failed."""


class CommandError(LinkError):
    """A Control command was not answered, or answered with an error result."""


class LinkLostError(LinkError):
    """The connection dropped while an operation was waiting on it."""


def pairing_window_advice(name: str) -> str:
    return (
        f"{name}'s pairing window is closed: hold its button for 3 s until the LED "
        "blinks blue (the window then stays open for 2 minutes), or switch it on "
        "fresh if it has no bonds yet"
    )


def needs_pairing(err: BaseException) -> bool:
    """Is this the ball saying "encrypt first" (no bond, or the bond was cleared)?"""
    if isinstance(err, BleakGATTProtocolError):
        return err.code in NEEDS_PAIRING
    text = str(err).lower()
    # BlueZ and WinRT report the ATT error by name rather than as a code.
    return "insufficient encryption" in text or "insufficient authentication" in text


def platform_advice(err: BaseException) -> str:
    """One line explaining an OS-level Bluetooth failure, with what to do about it."""
    text = str(err) or type(err).__name__
    lower = text.lower()
    if sys.platform.startswith("linux") and isinstance(err, FileNotFoundError):
        return (
            "BlueZ is not reachable (no D-Bus system bus): is the bluetooth service "
            "running? (systemctl status bluetooth); without Bluetooth hardware use a USB "
            "dongle with --transport usb:0, or try --virtual"
        )
    if sys.platform == "darwin" and ("unauthorized" in lower or "not authorized" in lower):
        return (
            f"{text}: allow Bluetooth for your terminal in System Settings › "
            "Privacy & Security › Bluetooth, then try again"
        )
    if sys.platform == "darwin" and "powered off" in lower:
        return f"{text}: switch Bluetooth on in the menu bar or System Settings"
    if "org.bluez" in lower and ("not available" in lower or "no such" in lower):
        return f"{text}: is the bluetooth service running? (systemctl status bluetooth)"
    if "no bluetooth adapters" in lower or ("adapter" in lower and "not found" in lower):
        return (
            f"{text}: this computer has no usable Bluetooth adapter; plug in a USB "
            "dongle and use --transport usb:0, or try --virtual"
        )
    if "le-connection-abort-by-local" in lower or "br-connection-canceled" in lower:
        return f"{text} (a transient BlueZ error; it is retried)"
    if "not turned on" in lower or ("radio" in lower and "off" in lower):
        return f"{text}: switch Bluetooth on in the Windows settings"
    return text


def describe(err: BaseException) -> str:
    """A one-line message for any error that came out of bleak or the link."""
    if isinstance(err, LinkError):
        return str(err)
    if isinstance(err, TimeoutError):
        return str(err) or "the ball did not answer in time"
    if isinstance(err, BleakError | OSError):
        return platform_advice(err)
    return f"{type(err).__name__}: {err}"
