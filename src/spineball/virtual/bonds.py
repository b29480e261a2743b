"""The ball's bond store and pairing window (docs/protocol.md §2).

Bonds are kept like NimBLE keeps them in NVS: at most four centrals, the
least recently used one evicted when a fifth pairs. The file uses the layout
of Bumble's ``JsonKeyStore`` (namespace → peer address → keys) plus a
``last_used`` counter per peer, so Bumble's own tools can read it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Final

from bumble.keys import KeyStore, PairingKeys
from bumble.pairing import PairingDelegate

from spineball.sessionfile import atomic_write
from spineball.virtual.clock import SimClock

MAX_BONDS: Final = 4  # NimBLE's CONFIG_BT_NIMBLE_MAX_BONDS on the reference firmware
PAIRING_WINDOW_AT_BOOT_S: Final = 180.0
PAIRING_WINDOW_BUTTON_S: Final = 120.0


class BondStore(KeyStore):
    """Bumble key store with LRU eviction, persisted as JSON (or in memory only)."""

    def __init__(self, namespace: str, path: Path | None = None, max_bonds: int = MAX_BONDS):
        self.namespace = namespace
        self.path = path
        self.max_bonds = max_bonds
        self._peers: dict[str, dict[str, Any]] = self._load()
        self._clock = max((p.get("last_used", 0) for p in self._peers.values()), default=0)

    def _load(self) -> dict[str, dict[str, Any]]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            db = json.loads(self.path.read_text(encoding="utf-8"))
            peers = db.get(self.namespace, {})
        except (OSError, ValueError, AttributeError) as err:
            raise OSError(f"{self.path}: unreadable bond store ({err})") from None
        if not isinstance(peers, dict):
            raise OSError(f"{self.path}: bond store namespace {self.namespace} is not an object")
        return peers

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({self.namespace: self._peers}, sort_keys=True, indent=2)
        atomic_write(self.path, [text.encode("utf-8")])

    def touch(self, name: str) -> None:
        """Mark a bond as just used (a bonded reconnect encrypted with it)."""
        if name in self._peers:
            self._clock += 1
            self._peers[name]["last_used"] = self._clock
            self._save()

    def names(self) -> list[str]:
        return list(self._peers)

    async def update(self, name: str, keys: PairingKeys) -> None:
        self._clock += 1
        entry = self._peers.setdefault(name, {})
        entry.update(keys.to_dict())
        entry["last_used"] = self._clock
        while len(self._peers) > self.max_bonds:
            oldest = min(self._peers, key=lambda peer: self._peers[peer].get("last_used", 0))
            del self._peers[oldest]
        self._save()

    async def get(self, name: str) -> PairingKeys | None:
        entry = self._peers.get(name)
        return None if entry is None else PairingKeys.from_dict(entry)

    async def get_all(self) -> list[tuple[str, PairingKeys]]:
        return [(name, PairingKeys.from_dict(entry)) for name, entry in self._peers.items()]

    async def delete(self, name: str) -> None:
        if self._peers.pop(name, None) is not None:
            self._save()

    async def delete_all(self) -> None:
        previous = self._peers
        self._peers = {}
        try:
            self._save()
        except OSError:
            self._peers = previous
            raise


class PairingWindow:
    """Open/closed on the simulated clock; closing is lazy, so no timer is needed."""

    def __init__(self, clock: SimClock) -> None:
        self._clock = clock
        self._closes_at = -math.inf

    def open(self, seconds: float) -> None:
        self._closes_at = self._clock.now() + seconds

    def close(self) -> None:
        self._closes_at = -math.inf

    @property
    def is_open(self) -> bool:
        return self._clock.now() < self._closes_at

    @property
    def remaining_s(self) -> int:
        """Whole seconds left, rounded up (0 when closed)."""
        left = self._closes_at - self._clock.now()
        return max(0, math.ceil(left)) if left > 0 else 0


class WindowedPairingDelegate(PairingDelegate):
    """Just Works (no display, no keyboard); accepts only while the window is open.

    Bumble answers a refused request with SMP "Pairing Not Supported" (0x05),
    which is what protocol §2 asks for.
    """

    def __init__(self, window: PairingWindow) -> None:
        super().__init__(io_capability=PairingDelegate.IoCapability.NO_OUTPUT_NO_INPUT)
        self._window = window

    async def accept(self) -> bool:
        return self._window.is_open
