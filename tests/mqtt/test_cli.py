"""``--mqtt`` and ``spineball monitor`` as a user meets them: one clear line on every mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from spineball.cli.mqtt_option import mqtt_option, resolve_mqtt


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spineball", *args], capture_output=True, text=True, timeout=30
    )


def test_monitor_needs_a_broker() -> None:
    result = run("monitor")
    assert result.returncode == 1
    assert result.stderr.startswith("spineball: error: no MQTT broker given: pass --mqtt")
    assert "Traceback" not in result.stderr


def test_a_password_on_the_command_line_is_refused() -> None:
    result = run("monitor", "--mqtt", "mqtts://room3:hunter2@broker.local")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "--mqtt: broker URL must not contain a password" in result.stderr
    assert "SPINEBALL_MQTT_PASSWORD" in result.stderr
    assert "hunter2" not in result.stderr


def test_a_bad_settings_file_names_itself(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text('[mqtt]\nurl = "mqtt://h"\nport = 1\n')
    result = run("monitor")
    assert result.returncode == 1
    assert "config.toml: [mqtt]: unknown setting 'port'" in result.stderr


@click.command()
@mqtt_option
def probe(mqtt_url: str | None) -> None:
    """A command as ``record`` or ``dash`` will use the option."""
    settings = resolve_mqtt(mqtt_url)
    click.echo(
        "off" if settings is None else f"{settings.url} password={settings.password is not None}"
    )


def test_option_and_settings_file_combine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    assert runner.invoke(probe, []).output == "off\n"  # no [mqtt] table: MQTT stays off
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text('[mqtt]\nurl = "mqtts://clinic@broker.local"\npassword = "from-file"\n')
    assert runner.invoke(probe, []).output == "mqtts://clinic@broker.local:8883 password=True\n"
    monkeypatch.setenv("SPINEBALL_MQTT_PASSWORD", "from-env")
    result = runner.invoke(probe, ["--mqtt", "mqtts://room3@10.0.0.2:8884"])
    assert result.output == "mqtts://room3@10.0.0.2:8884 password=True\n"
