"""``spineball cues``: list the cues, check the sound set-up, and try a cue."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click

from spineball.cli.errors import fail
from spineball.config import ConfigError, config_path
from spineball.cues import CATALOGUE, Cue, CueKind, CueService, CueSettings, load_cue_settings
from spineball.cues.commands import (
    NO_PLAYER_HINT,
    find_player,
    find_speech_engine,
    speech_missing_message,
)

EXAMPLE_DETAILS = {"level": "T6", "side": "left", "symptom": "tingling"}


def _settings() -> CueSettings:
    try:
        return load_cue_settings()
    except ConfigError as err:
        fail(str(err))


@click.group()
def cues() -> None:
    """Eyes-free guidance: sounds, spoken prompts and the ball's buzz."""


@cues.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per cue kind.")
def list_cues(as_json: bool) -> None:
    """Every cue: priority, whether settings can switch it off, buzz and words."""
    for spec in CATALOGUE.values():
        cue = spec.make(0.0, EXAMPLE_DETAILS)
        if as_json:
            record = cue.to_json()
            del record["t_s"], record["repeat"]
            click.echo(json.dumps(record, ensure_ascii=False))
            continue
        buzz = cue.to_json()["buzz"]
        buzz_text = (
            "-" if not isinstance(buzz, dict) else f"{buzz['pattern']}×{buzz['repetitions']}"
        )
        lock = "safety" if spec.safety else ""
        click.echo(f"{spec.kind.value:16} {spec.priority:6} {lock:6} {buzz_text:9} {cue.text}")


@cues.command()
def check() -> None:
    """What this computer can do: settings, speech engine, audio player."""
    settings = _settings()
    click.echo(f"settings: {config_path()} ([cues] valid)")
    speech = find_speech_engine(settings.speech_engine)
    player = find_player(settings.player)
    if speech is not None:
        voice = settings.voice or f"default for {settings.language}"
        click.echo(f"speech: {speech.name} ({speech.program}), voice {voice}, {settings.rate} wpm")
    else:
        click.echo(f"speech: none — {speech_missing_message(settings.speech_engine)}")
    click.echo(f"tones: {player.name} ({player.program})" if player else f"tones: {NO_PLAYER_HINT}")
    click.echo(
        f"outputs: {', '.join(settings.outputs) or 'none'} + screen; volume {settings.volume:g}"
        + ("; muted" if settings.muted else "")
        + ("; routine cues off" if not settings.enabled else "")
    )
    click.echo("safety cues (lumbar guard, symptom stop, pressure, link) always buzz and show")


@cues.command()
@click.argument("kind", type=click.Choice([k.value for k in CueKind]), metavar="KIND")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the cue to this WAV file instead of playing it.",
)
def play(kind: str, out: Path | None) -> None:
    """Play one cue now through your settings (or write it to a WAV file).

    KIND is one of the kinds `spineball cues list` shows, e.g. lumbar_red.
    """
    settings = _settings()
    cue = CATALOGUE[CueKind(kind)].make(0.0, EXAMPLE_DETAILS)
    if out is not None:
        from spineball.cues.render import RenderError, render_cue_wav

        speech = find_speech_engine(settings.speech_engine)
        if speech is None and "speech" in settings.outputs:
            click.echo(
                f"spineball: warning: {speech_missing_message(settings.speech_engine)}", err=True
            )
        try:
            seconds = render_cue_wav(
                cue, settings, speech if "speech" in settings.outputs else None, out
            )
        except RenderError as err:
            fail(str(err))
        except OSError as err:
            fail(f"{out}: cannot write ({err.strerror or err})")
        click.echo(f"{out}  {seconds:.2f} s")
        return
    missing, failed = asyncio.run(_play(cue, settings))
    for problem in missing:
        click.echo(f"spineball: warning: {problem}", err=True)
    if failed:
        fail(f"could not play the cue: {failed[0]}")
    click.echo(cue.short)


async def _play(cue: Cue, settings: CueSettings) -> tuple[list[str], list[str]]:
    """Plays ``cue``; returns (what is missing on this computer, what failed while playing)."""
    async with CueService(settings) as service:
        missing = list(service.board.problems)
        service.deliver(cue)
        await service.sound.drain()
        return missing, service.board.problems[len(missing) :]
