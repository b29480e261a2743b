"""``spineball decode``: decode captured Samples notifications (hex, one frame per line)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import numpy as np

from spineball.cli.errors import fail
from spineball.protocol import ProtocolError, decode_frames, decode_header


def _read_lines(source: str) -> list[str]:
    if source == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as err:
            fail(f"{source}: {err.strerror}")
        if source.endswith(".json"):
            try:
                vectors = json.loads(text)
                return [v["hex"] for v in vectors["frames"]]
            except (ValueError, KeyError, TypeError):
                fail(f"{source}: not a protocol-vectors JSON file")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@click.command()
@click.argument("source", default="-")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per sample on stdout.")
def decode(source: str, as_json: bool) -> None:
    """Decode sample frames from SOURCE (a file of hex lines, a vectors .json, or - for stdin).

    Malformed frames are reported on stderr with their line number and skipped.
    """
    frames: list[bytes] = []
    bad = 0
    for number, line in enumerate(_read_lines(source), start=1):
        try:
            frame = bytes.fromhex(line)
            decode_header(frame)
            decode_frames([frame])
        except (ValueError, ProtocolError) as err:
            click.echo(f"line {number}: {err}", err=True)
            bad += 1
            continue
        frames.append(frame)
    samples = decode_frames(frames)
    for row in samples:
        if as_json:
            values = {name: row[name].item() for name in samples.dtype.names or ()}
            clean = {
                k: None if isinstance(v, float) and np.isnan(v) else v for k, v in values.items()
            }
            click.echo(json.dumps(clean))
        else:
            quat = ", ".join(f"{row[c]:+.5f}" for c in ("qw", "qx", "qy", "qz"))
            click.echo(
                f"#{row['index']:>10}  {row['pressure_pa']:>12.4f} Pa  "
                f"{row['temperature_c']:>6.2f} °C  q=({quat})"
            )
    click.echo(f"{len(frames)} frames, {len(samples)} samples, {bad} malformed", err=True)
    if bad and not frames:
        sys.exit(1)
