"""Every session test gets its own data, settings and runtime directories."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SPINEBALL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SPINEBALL_CONFIG_DIR", str(tmp_path / "config"))
    with tempfile.TemporaryDirectory(prefix="sb-") as run:  # AF_UNIX paths must stay short
        monkeypatch.setenv("SPINEBALL_RUNTIME_DIR", run)
        yield
