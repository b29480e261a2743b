"""Analysis, protocol and storage never import the UI, BLE or MQTT layers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PURE = (
    "spineball.protocol",
    "spineball.stream",
    "spineball.analysis",
    "spineball.store",
    "spineball.samples",
    "spineball.sessionfile",
    "spineball.cues",
)
FORBIDDEN = (
    "spineball.ble",
    "spineball.dashboard",
    "spineball.mqtt",
    "spineball.virtual",
    "bleak",
    "bumble",
    "textual",
    "aiomqtt",
)


def test_pure_layers_load_without_io_layers() -> None:
    """Import every pure module in a fresh interpreter and list what got loaded."""
    code = (
        "import importlib, pkgutil, sys\n"
        f"for root in {PURE!r}:\n"
        "    mod = importlib.import_module(root)\n"
        "    for info in pkgutil.walk_packages(getattr(mod, '__path__', []), root + '.'):\n"
        "        importlib.import_module(info.name)\n"
        f"print(sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_import_linter_contract_is_kept() -> None:
    linter = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(linter)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
