"""Vectorised text rows (CSV, JSON Lines) of numeric and text columns, no loop per row.

Every field is laid out as a fixed-width byte block (sign, integer digits,
point, fraction digits, then the literal text that follows the field) in one
uint8 matrix; a keep-mask drops the leading zeros and unused sign positions,
and one boolean selection turns the matrix into the output bytes. About 10×
faster than formatting rows in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import numpy as np
import numpy.typing as npt

_ZERO = ord("0")


def _int_digits(values: npt.NDArray[np.int64]) -> int:
    largest = int(values.max(initial=0))
    return max(1, len(str(largest)))


def _suffix_block(n: int, suffix: bytes) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    block = np.tile(np.frombuffer(suffix, dtype=np.uint8), (n, 1))
    return block, np.ones(block.shape, dtype=bool)


def _field(
    x: npt.NDArray[np.float64], decimals: int, nan_text: bytes
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """One numeric column as (n, width) bytes and a keep-mask."""
    n = len(x)
    nan = ~np.isfinite(x)
    scaled = np.round(np.abs(np.where(nan, 0.0, x)) * 10.0**decimals).astype(np.int64)
    negative = (x < 0) & (scaled != 0)  # "-0.00" is written as "0.00"
    scale = 10**decimals
    integer, fraction = np.divmod(scaled, scale)
    width_int = _int_digits(integer)
    point = 1 if decimals else 0
    if np.any(nan):  # room for the NaN text
        width_int = max(width_int, len(nan_text) - 1 - point - decimals)
    width = 1 + width_int + point + decimals
    out = np.empty((n, width), dtype=np.uint8)
    keep = np.ones((n, width), dtype=bool)
    out[:, 0] = ord("-")
    keep[:, 0] = negative
    remaining = integer
    significant = np.zeros(n, dtype=bool)
    powers = [10**p for p in range(width_int - 1, -1, -1)]
    for col, power in enumerate(powers, start=1):
        digit, remaining = np.divmod(remaining, power)
        out[:, col] = digit + _ZERO
        significant |= digit != 0
        # leading zeros go, but the units digit always stays ("0.5")
        keep[:, col] = significant | (col == width_int)
    if decimals:
        out[:, 1 + width_int] = ord(".")
        remaining = fraction
        for col, power in enumerate(
            (10**p for p in range(decimals - 1, -1, -1)), start=2 + width_int
        ):
            digit, remaining = np.divmod(remaining, power)
            out[:, col] = digit + _ZERO
    if np.any(nan):
        out[nan, : len(nan_text)] = np.frombuffer(nan_text, dtype=np.uint8)
        keep[nan, :] = False
        keep[nan, : len(nan_text)] = True
    return out, keep


def csv_quote(text: str) -> str:
    """RFC 4180: quote a field that holds a comma, a quote or a line break."""
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _distinct(values: npt.NDArray[np.str_]) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.intp]]:
    """(distinct values, index of each row's value) — np.unique with a fast path for short codes.

    Texts of up to three characters (vertebral levels: "T12") are packed into one
    integer per row, 21 bits per code point, which sorts several times faster
    than strings.
    """
    text = np.ascontiguousarray(np.asarray(values).astype(str))
    chars = text.dtype.itemsize // 4
    if len(text) == 0 or chars > 3:
        distinct, row_of = np.unique(text, return_inverse=True)
        return distinct, row_of.reshape(-1)
    points = text.view(np.uint32).reshape(len(text), chars).astype(np.uint64)
    key = np.zeros(len(text), dtype=np.uint64)
    for k in range(chars):
        key = (key << np.uint64(21)) | points[:, k]
    _, first, row_of = np.unique(key, return_index=True, return_inverse=True)
    return text[first], row_of.reshape(-1)


def _text_field(
    values: npt.NDArray[np.str_], quote: Callable[[str], str]
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """A text column as (n, width) UTF-8 bytes, each distinct value passed through ``quote``."""
    # Few distinct values (levels, units) are common: format each once, then index.
    distinct, row_of = _distinct(values)
    encoded = [quote(str(v)).encode("utf-8") for v in distinct.tolist()]
    width = max(1, *(len(e) for e in encoded))
    table = np.zeros((len(encoded), width), dtype=np.uint8)
    for i, e in enumerate(encoded):
        table[i, : len(e)] = np.frombuffer(e, dtype=np.uint8)
    matrix = table[row_of.reshape(-1)]
    return matrix, matrix != 0


def format_rows(
    columns: Sequence[npt.NDArray[np.float64] | npt.NDArray[np.str_]],
    decimals: Sequence[int | None],
    suffixes: Sequence[bytes],
    *,
    prefix: bytes = b"",
    nan_text: bytes = b"nan",
    quote: Callable[[str], str] = csv_quote,
) -> bytes:
    """Rows of ``prefix`` + (field + suffix) for each column.

    Numeric columns get fixed ``decimals`` (NaN/inf → ``nan_text``); a column
    whose ``decimals`` is None is text, each value passed through ``quote``.
    """
    if not columns or not len(columns) == len(decimals) == len(suffixes):
        raise ValueError("one decimals entry and one suffix per column, at least one column")
    n = len(columns[0])
    if n == 0:
        return b""
    parts = [_suffix_block(n, prefix)] if prefix else []
    for column, places, suffix in zip(columns, decimals, suffixes, strict=True):
        if places is None:
            parts.append(_text_field(np.asarray(column), quote))
        else:
            parts.append(_field(np.asarray(column, dtype=np.float64), places, nan_text))
        if suffix:
            parts.append(_suffix_block(n, suffix))
    matrix = np.concatenate([block for block, _ in parts], axis=1)
    keep = np.concatenate([mask for _, mask in parts], axis=1)
    return cast(bytes, matrix[keep].tobytes())


def format_columns(
    columns: Sequence[npt.NDArray[np.float64] | npt.NDArray[np.str_]],
    decimals: Sequence[int | None],
) -> bytes:
    """CSV rows (no header): numeric columns with fixed ``decimals``, text where None."""
    if len(columns) != len(decimals) or not columns:
        raise ValueError("one decimals entry per column, at least one column")
    suffixes = [b","] * (len(columns) - 1) + [b"\n"]
    return format_rows(columns, decimals, suffixes)
