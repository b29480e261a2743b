from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spineball import config
from spineball.virtual.source import StillBall


def test_overrides_and_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINEBALL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SPINEBALL_CONFIG_DIR", str(tmp_path / "cfg"))
    assert config.data_dir() == tmp_path / "data"
    assert (tmp_path / "data").is_dir()
    assert config.config_path() == tmp_path / "cfg" / "config.toml"
    assert config.load_settings() == {}


def test_sections_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[user]\nheight_m = 1.8\nmqtt = 3\n")
    settings = config.load_settings(path)
    assert config.section(settings, "user") == {"height_m": 1.8, "mqtt": 3}
    assert config.section(settings, "cues") == {}
    with pytest.raises(config.ConfigError, match=r"\[height_m\] must be a table"):
        config.section(settings["user"], "height_m")
    path.write_text("[user\n")
    with pytest.raises(config.ConfigError, match="not valid TOML"):
        config.load_settings(path)


def test_still_ball_source() -> None:
    out = StillBall(pressure_pa=110_000.0).read(np.arange(5) / 100)
    assert out.pressure_pa.tolist() == [110_000.0] * 5
    assert out.quaternion.shape == (5, 4)
    assert np.all(out.quaternion[:, 0] == 1.0)
