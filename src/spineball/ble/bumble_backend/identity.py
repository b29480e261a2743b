"""The central's own identity: a static random address and IRK kept with the bonds.

A peripheral files our bond under our identity address, so it must not
change between runs; it is created once and stored next to the key store.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from bumble import hci

from spineball.sessionfile import atomic_write

IDENTITY_FILE = "central.json"


@dataclass(frozen=True, slots=True)
class CentralIdentity:
    address: hci.Address
    irk: bytes


def load_or_create_identity(bonds_dir: Path) -> CentralIdentity:
    path = bonds_dir / IDENTITY_FILE
    if path.exists():
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            address = hci.Address(raw["address"], hci.Address.RANDOM_DEVICE_ADDRESS)
            irk = bytes.fromhex(raw["irk"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise OSError(f"{path}: unreadable central identity ({err})") from None
        if len(irk) != 16:
            raise OSError(f"{path}: IRK must be 16 bytes")
        return CentralIdentity(address, irk)
    identity = CentralIdentity(hci.Address.generate_static_address(), secrets.token_bytes(16))
    bonds_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"address": str(identity.address), "irk": identity.irk.hex()}, indent=2)
    atomic_write(path, [text.encode("utf-8")])
    return identity
