"""The [cues] settings table and the dashboard's state object."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from spineball.config import ConfigError
from spineball.cues import (
    CATALOGUE,
    CueBoard,
    CueKind,
    CueSettings,
    cue_settings_from,
    load_cue_settings,
)


def test_defaults_and_a_full_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINEBALL_CONFIG_DIR", str(tmp_path))
    assert load_cue_settings() == CueSettings()
    (tmp_path / "config.toml").write_text(
        "[cues]\n"
        "enabled = true\nmuted = true\n"
        'outputs = ["speech", "buzz", "speech"]\n'
        'volume = 1\nvoice = "en-gb-x-rp"\nrate = 150\nlanguage = "en-GB"\n'
        'speech_engine = "espeak-ng"\nplayer = "aplay"\n'
        'disabled = ["new_spot", "side_bend_both"]\nlog_size = 50\n'
    )
    s = load_cue_settings()
    assert s.muted
    assert s.outputs == ("speech", "buzz")
    assert s.volume == 1.0
    assert isinstance(s.volume, float)
    assert (s.voice, s.rate, s.language) == ("en-gb-x-rp", 150, "en-GB")
    assert s.disabled == {CueKind.NEW_SPOT, CueKind.SIDE_BEND_BOTH}
    assert s.log_size == 50


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"volume": 1.5}, "volume must be between 0 and 1, not 1.5"),
        ({"volume": "loud"}, "volume must be a number, not 'loud'"),
        ({"enabled": 1}, "enabled must be true or false, not 1"),
        ({"rate": True}, "rate must be a whole number, not True"),
        ({"rate": 20}, "rate must be 80–400 words per minute, not 20"),
        ({"outputs": "speech"}, "outputs must be a list of strings"),
        ({"outputs": ["speech", "lights"]}, "unknown output 'lights'"),
        ({"language": "english please"}, "language must look like 'en' or 'en-gb'"),
        ({"voice": "x; rm -rf ~"}, "voice 'x; rm -rf ~': letters, digits"),
        ({"speech_engine": "festival"}, "speech_engine must be one of auto, espeak-ng"),
        ({"player": "vlc"}, "player must be one of auto, paplay"),
        ({"disabled": ["lumbar_amber"]}, "lumbar_amber is a safety cue and cannot be switched off"),
        ({"disabled": ["symptom_stop"]}, "symptom_stop is a safety cue"),
        ({"disabled": ["nope"]}, "unknown cue kind 'nope'"),
        ({"disabled": "new_spot"}, "disabled must be a list of cue kinds"),
        ({"log_size": 0}, "log_size must be 1–500"),
        ({"colour": "red"}, "unknown setting 'colour'"),
    ],
)
def test_bad_values_get_one_clear_line(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        cue_settings_from(table)
    assert message in str(err.value)
    assert str(err.value).startswith("[cues]")
    assert "\n" not in str(err.value)


def test_a_broken_settings_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[cues]\nvolume = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_cue_settings(path)
    path.write_text("cues = 3\n")
    with pytest.raises(ConfigError, match=r"\[cues\] must be a table"):
        load_cue_settings(path)


def test_board_binds_settings_and_the_log() -> None:
    board = CueBoard(CueSettings(log_size=3), speech_engine="espeak-ng", player="aplay")
    seen: list[bool] = []
    unsubscribe = board.subscribe(lambda b: seen.append(b.muted))
    board.set_muted(True)
    board.set_volume(0.3)
    board.set_voice("en-us")
    board.set_enabled(False)
    assert (board.muted, board.volume, board.voice, board.enabled) == (True, 0.3, "en-us", False)
    assert seen == [True, True, True, True]
    unsubscribe()
    board.apply_json({"muted": False, "rate": 200})
    assert seen == [True, True, True, True]
    assert board.settings.rate == 200
    with pytest.raises(ConfigError, match="volume must be between 0 and 1"):
        board.apply_json({"volume": 7})
    with pytest.raises(ConfigError, match="'disabled' cannot be changed from the dashboard"):
        board.apply_json({"disabled": ["new_spot"]})
    assert board.volume == 0.3  # a refused change changes nothing
    kinds = [CueKind.NEW_SPOT, CueKind.PAIN_TARGET, CueKind.LUMBAR_RED, CueKind.LINK_LOST]
    for t, kind in enumerate(kinds):
        board.record(CATALOGUE[kind].make(float(t), {"level": "T5"}), ("screen",))
    assert [e.cue.kind for e in board.last] == kinds[:0:-1]  # newest first, three kept
    board.problem("no speech engine")
    board.problem("no speech engine")
    state = board.to_json()
    assert state["problems"] == ["no speech engine"]
    assert state["speech_engine"] == "espeak-ng"
    last = state["last"]
    assert isinstance(last, list)
    assert last[0]["kind"] == "link_lost"
    assert last[1]["buzz"] == {"pattern": "alarm", "repetitions": 2}
    assert last[1]["safety"] is True
    assert last[2]["short"] == "Pain target reached — move on or stay"


def test_every_cue_has_words_a_buzz_or_a_reason_not_to() -> None:
    for kind, spec in CATALOGUE.items():
        cue = spec.make(0.0, {"level": "T5", "side": "left", "symptom": "burning"})
        assert cue.text.endswith((".", "!")), kind
        assert 0 < len(cue.short) <= 60, kind
        if cue.priority == "urgent" and kind != CueKind.LINK_LOST:
            assert cue.buzz is not None, kind  # urgent cues reach a person who hears nothing
        if cue.safety:
            assert kind in {
                CueKind.LUMBAR_RED,
                CueKind.LUMBAR_AMBER,
                CueKind.SYMPTOM_STOP,
                CueKind.OVER_PRESSURE,
                CueKind.SUDDEN_RISE,
                CueKind.OVER_INFLATED,
                CueKind.LINK_LOST,
            }
