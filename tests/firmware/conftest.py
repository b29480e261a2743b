"""The C core as a shared library, built once per test session."""

from __future__ import annotations

import pytest

from tests.firmware.c_core import CCore, build_core


@pytest.fixture(scope="session")
def c_core(tmp_path_factory: pytest.TempPathFactory) -> CCore:
    return CCore(build_core(tmp_path_factory.mktemp("firmware-core")))
