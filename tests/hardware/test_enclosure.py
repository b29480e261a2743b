"""The OpenSCAD enclosure sources render headless to non-empty, right-sized STL."""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
ENCLOSURE = REPO / "hardware" / "enclosure"

# (name, source, -D definitions, expected (x, y, z) size in mm)
PARTS = [
    ("pod_base", "pod.scad", ['part="base"'], (60.0, 60.0, 16.0)),
    ("pod_lid", "pod.scad", ['part="lid"'], (60.0, 60.0, 8.0)),
    ("base_plate", "base_plate.scad", [], (200.0, 200.0, 22.0)),
]


def render(out_dir: Path, name: str, source: str, defines: list[str]) -> tuple[Path, str]:
    target = out_dir / f"{name}.stl"
    command = ["openscad", "-o", str(target)]
    for definition in defines:
        command += ["-D", definition]
    done = subprocess.run(
        [*command, str(ENCLOSURE / source)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return target, done.stderr


def stl_vertices(path: Path) -> np.ndarray:
    text = path.read_text(encoding="ascii")
    values = [line.split()[1:] for line in text.splitlines() if line.lstrip().startswith("vertex")]
    return np.asarray(values, dtype=float).reshape(-1, 3)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    if shutil.which("openscad") is None:
        pytest.fail("openscad not found: scripts/system-packages.sh installs it")
    out_dir = tmp_path_factory.mktemp("enclosure")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {
            name: pool.submit(render, out_dir, name, source, defines)
            for name, source, defines, _ in PARTS
        }
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize(("name", "size"), [(p[0], p[3]) for p in PARTS])
def test_part_renders_to_a_solid_of_the_right_size(
    rendered: dict[str, tuple[Path, str]], name: str, size: tuple[float, float, float]
) -> None:
    path, log = rendered[name]
    assert "WARNING" not in log, log
    assert path.read_text(encoding="ascii").count("facet normal") > 200
    vertices = stl_vertices(path)
    extent = vertices.max(axis=0) - vertices.min(axis=0)
    np.testing.assert_allclose(extent, size, atol=0.05)
    assert vertices[:, 2].min() == pytest.approx(0.0, abs=1e-6)  # prints flat on the bed


def test_pod_underside_follows_the_ball(rendered: dict[str, tuple[Path, str]]) -> None:
    """Concave: the underside rises towards the valve so the rim sits on the ball."""
    vertices = stl_vertices(rendered["pod_base"][0])
    radius = np.hypot(vertices[:, 0], vertices[:, 1])
    underside = vertices[(vertices[:, 2] < 5.0) & (radius > 3.0)]
    near_valve = underside[np.hypot(underside[:, 0], underside[:, 1]) < 8.0][:, 2].min()
    at_rim = underside[np.hypot(underside[:, 0], underside[:, 1]) > 29.0][:, 2].min()
    ball_radius = 115.0  # the 23 cm ball of the BOM notes
    expected_sag = np.sqrt(ball_radius**2 - 8.0**2) - np.sqrt(ball_radius**2 - 30.0**2)
    assert at_rim == pytest.approx(0.0, abs=1e-6)
    assert near_valve == pytest.approx(expected_sag, abs=0.2)
