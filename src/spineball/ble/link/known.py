"""Balls this computer has paired with: names, addresses, when last used.

bleak has no portable way to list the operating system's bonds, so the link
keeps its own small record (JSON, next to the bond keys). It names the balls
in ``spineball scan`` and picks the ball when the user names none.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from spineball.sessionfile import atomic_write

log = logging.getLogger("spineball.ble")


@dataclass(frozen=True, slots=True)
class KnownBall:
    address: str
    name: str | None
    paired_at: float
    last_used: float


class KnownBalls:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, KnownBall]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {k.upper(): KnownBall(**v) for k, v in data.items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, TypeError, AttributeError) as err:
            log.warning("%s: unreadable list of paired balls (%s); starting afresh", self.path, err)
            return {}

    def _save(self, balls: dict[str, KnownBall]) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        text = json.dumps({k: asdict(v) for k, v in balls.items()}, indent=2, sort_keys=True)
        atomic_write(self.path, [text.encode("utf-8")])

    def all(self) -> list[KnownBall]:
        """Most recently used first."""
        return sorted(self._load().values(), key=lambda b: b.last_used, reverse=True)

    def get(self, address: str) -> KnownBall | None:
        return self._load().get(address.upper())

    def remember(self, address: str, name: str | None) -> None:
        balls = self._load()
        now = time.time()
        old = balls.get(address.upper())
        balls[address.upper()] = KnownBall(
            address.upper(), name or (old.name if old else None), old.paired_at if old else now, now
        )
        self._save(balls)

    def forget(self, address: str) -> bool:
        balls = self._load()
        if balls.pop(address.upper(), None) is None:
            return False
        self._save(balls)
        return True
