"""``spineball decode`` as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from spineball import protocol as p

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spineball", *args], input=stdin, capture_output=True, text=True
    )


def test_decodes_hex_lines_and_reports_bad_ones(tmp_path: Path) -> None:
    good = p.encode_frame(10, [114300.0, 114301.0], [[1, 0, 0, 0]] * 2, 24.5, p.Rate.HZ_100)
    capture = tmp_path / "capture.txt"
    capture.write_text(f"# captured\n{good.hex()}\nzz\n0102\n")
    result = run("decode", str(capture), "--json")
    assert result.returncode == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["index"] for r in rows] == [10, 11]
    assert rows[1]["pressure_pa"] == 114301.0
    assert "line 2:" in result.stderr
    assert "line 3:" in result.stderr
    assert "1 frames, 2 samples, 2 malformed" in result.stderr


def test_all_bad_input_fails_without_traceback() -> None:
    result = run("decode", "-", stdin="0102\n")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_missing_file_is_one_clear_line() -> None:
    result = run("decode", "/nonexistent/capture.txt")
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "spineball: error: /nonexistent/capture.txt: No such file or directory"
    )


def test_golden_vectors_file_decodes() -> None:
    result = run("decode", str(REPO / "docs" / "protocol-vectors.json"))
    assert result.returncode == 0
    assert "0 malformed" in result.stderr
