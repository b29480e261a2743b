from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spineball.csvfast import format_columns


def printf_field(value: float, places: int) -> str:
    text = f"%.{places}f" % value
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def reference(columns: list[np.ndarray], decimals: list[int]) -> str:
    rows = zip(*[c.tolist() for c in columns], strict=True)
    return "".join(
        ",".join(printf_field(v, k) for v, k in zip(row, decimals, strict=True)) + "\n"
        for row in rows
    )


def test_matches_printf_on_exactly_representable_values() -> None:
    t = np.arange(1000) / 100
    pressure = 114_300 + np.arange(1000) / 16
    temp = np.round(np.linspace(-5, 40, 1000) * 4) / 4
    got = format_columns([t, pressure, temp], [6, 4, 2]).decode()
    assert got == reference([t, pressure, temp], [6, 4, 2])


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=50), st.integers(0, 8))
def test_parses_back_within_half_a_unit_of_the_last_place(values: list[float], places: int) -> None:
    x = np.array(values)
    text = format_columns([x], [places]).decode()
    back = np.array([float(v) for v in text.splitlines()])
    assert np.all(np.abs(back - x) <= 0.5 * 10.0**-places * (1 + 1e-9) + 1e-9 * np.abs(x))
    assert all(not line.startswith("-0") or line.startswith("-0.") for line in text.splitlines())


def test_nan_inf_negative_zero_and_empty() -> None:
    x = np.array([np.nan, -0.0, -0.001, np.inf, -12.5])
    assert format_columns([x], [2]).decode().splitlines() == [
        "nan",
        "0.00",
        "0.00",
        "nan",
        "-12.50",
    ]
    assert format_columns([np.array([np.nan, 3.0])], [0]).decode().splitlines() == ["nan", "3"]
    assert format_columns([np.array([])], [3]) == b""
    with pytest.raises(ValueError, match="one decimals entry"):
        format_columns([x], [1, 2])


def test_text_columns_are_quoted_when_needed() -> None:
    text = np.array(["T4", 'say "hi"', "a,b", "é"])
    rows = format_columns([np.arange(4.0), text], [0, None]).decode().splitlines()
    assert rows == ["0,T4", '1,"say ""hi"""', '2,"a,b"', "3,é"]
