"""Sample frames on the Samples characteristic (docs/protocol.md §3).

Decoding is vectorised: many frames become one structured numpy array
without a Python loop per sample (frames of equal length are decoded as one
2-D byte matrix). Two levels are offered:

- *raw* arrays hold the integers exactly as sent (what a recorder stores, so
  nothing is altered);
- *sample* arrays hold physical units (Pa, °C, unit quaternion).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, IntFlag
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.protocol.errors import ErrorKind, ProtocolError

FRAME_VERSION: Final = 1
HEADER_SIZE: Final = 9
SAMPLE_SIZE: Final = 9
MAX_SAMPLES_PER_FRAME: Final = 26
ATT_NOTIFY_OVERHEAD: Final = 3  # opcode + handle of a Handle Value Notification
MAX_BATCH_DELAY_MS: Final = 50  # samples in one frame span less than this (docs/protocol.md §3.1)
MAX_BATCH_DELAY_S: Final = MAX_BATCH_DELAY_MS / 1000

PRESSURE_SCALE: Final = 16.0  # raw units per Pa (1/16 Pa resolution)
PRESSURE_INVALID: Final = 0x3FFFFF
PRESSURE_MAX_RAW: Final = PRESSURE_INVALID - 1
TEMPERATURE_SCALE: Final = 100.0  # raw units per °C
TEMPERATURE_INVALID: Final = 0x7FFF
QUAT_SCALE: Final = 32767.0 * np.sqrt(2.0)  # kept components lie within ±1/√2
QUAT_KEPT_MIN: Final = -32767
QUAT_SUMSQ_LIMIT: Final = 0.75 + 0.001
_QUAT_SUMSQ_LIMIT_RAW: Final = int(QUAT_SUMSQ_LIMIT * QUAT_SCALE * QUAT_SCALE)

# Columns of the three kept components for each omitted component (w, x, y, z order).
_KEPT_COLUMNS: Final = np.array([[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]], dtype=np.intp)


class Rate(IntEnum):
    """Sample rate codes (the RATE field of frame flags and commands)."""

    HZ_25 = 0
    HZ_50 = 1
    HZ_100 = 2
    HZ_200 = 3

    @property
    def hz(self) -> int:
        return RATE_HZ[self]

    @classmethod
    def from_hz(cls, hz: float) -> Rate:
        for code, value in RATE_HZ.items():
            if value == hz:
                return code
        raise ValueError(f"unsupported sample rate {hz:g} Hz; choose 25, 50, 100 or 200")


RATE_HZ: Final[dict[Rate, int]] = {
    Rate.HZ_25: 25,
    Rate.HZ_50: 50,
    Rate.HZ_100: 100,
    Rate.HZ_200: 200,
}


class FrameFlags(IntFlag):
    BACKFILL = 0x01
    BACKFILL_END = 0x02


_RATE_SHIFT: Final = 4
_RATE_MASK: Final = 0x30
_RESERVED_FLAG_BITS: Final = 0xCC

#: Exactly what is on the wire, one row per sample.
RAW_SAMPLE_DTYPE: Final = np.dtype(
    [
        ("index", "<u4"),
        ("flags", "u1"),
        ("temperature_raw", "<i2"),
        ("pressure_raw", "<u4"),
        ("q_omit", "u1"),
        ("q_kept", "<i2", (3,)),
    ]
)

#: Physical units, one row per sample; NaN where the ball had no valid reading.
DECODED_SAMPLE_DTYPE: Final = np.dtype(
    [
        ("index", "<u4"),
        ("flags", "u1"),
        ("pressure_pa", "<f8"),
        ("temperature_c", "<f8"),
        ("qw", "<f8"),
        ("qx", "<f8"),
        ("qy", "<f8"),
        ("qz", "<f8"),
    ]
)

RawSamples = npt.NDArray[np.void]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class FrameHeader:
    version: int
    flags: int
    first_index: int
    count: int
    temperature_raw: int

    @property
    def rate(self) -> Rate:
        return Rate((self.flags & _RATE_MASK) >> _RATE_SHIFT)

    @property
    def is_backfill(self) -> bool:
        return bool(self.flags & FrameFlags.BACKFILL)


def frame_size(count: int) -> int:
    return HEADER_SIZE + SAMPLE_SIZE * count


def max_samples_for_mtu(mtu: int) -> int:
    """How many samples fit one notification at this ATT MTU (at least 1 from MTU 23)."""
    if mtu < 23:
        raise ValueError(f"ATT MTU {mtu} is below the Bluetooth minimum of 23")
    fit = (mtu - ATT_NOTIFY_OVERHEAD - HEADER_SIZE) // SAMPLE_SIZE
    return min(MAX_SAMPLES_PER_FRAME, fit)


def samples_per_frame(rate: Rate, mtu: int) -> int:
    """Samples a ball puts in one frame: MTU-limited and ⌈rate × 50 ms⌉, so the oldest
    sample of a frame waits (n − 1)/rate < 50 ms."""
    by_delay = max(1, -(-RATE_HZ[rate] * MAX_BATCH_DELAY_MS // 1000))
    return min(max_samples_for_mtu(mtu), by_delay)


def make_flags(rate: Rate, *, backfill: bool = False, backfill_end: bool = False) -> int:
    if backfill_end and not backfill:
        raise ValueError("BACKFILL_END needs BACKFILL")
    flags = int(rate) << _RATE_SHIFT
    if backfill:
        flags |= FrameFlags.BACKFILL
    if backfill_end:
        flags |= FrameFlags.BACKFILL_END
    return flags


# --------------------------------------------------------------------------- encoding


def _round_half_away(values: FloatArray) -> FloatArray:
    """Round like C's lround(): the firmware and this codec must agree bit for bit."""
    return np.sign(values) * np.floor(np.abs(values) + 0.5)


def quaternions_to_raw(quats: npt.ArrayLike) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int16]]:
    """Unit quaternions (n, 4) in w-x-y-z order → (omitted index, kept int16 triples)."""
    q = np.asarray(quats, dtype=np.float64).reshape(-1, 4)
    norms = np.linalg.norm(q, axis=1)
    if not np.all(np.isfinite(norms)) or np.any(norms < 1e-6):
        raise ValueError("quaternions must be finite and non-zero")
    q = q / norms[:, None]
    omit = np.argmax(np.abs(q), axis=1)
    rows = np.arange(len(q))
    q = q * np.where(q[rows, omit] < 0.0, -1.0, 1.0)[:, None]
    kept = q[rows[:, None], _KEPT_COLUMNS[omit]]
    kept_raw = np.clip(_round_half_away(kept * QUAT_SCALE), QUAT_KEPT_MIN, 32767)
    return omit.astype(np.uint8), kept_raw.astype(np.int16)


def pressures_to_raw(pressure_pa: npt.ArrayLike) -> npt.NDArray[np.uint32]:
    """Absolute pressure in Pa → 22-bit raw (1/16 Pa); NaN → 'no valid reading'."""
    p = np.asarray(pressure_pa, dtype=np.float64).reshape(-1)
    raw = _round_half_away(np.nan_to_num(p, nan=0.0) * PRESSURE_SCALE)
    if np.any((raw < 0) | (raw > PRESSURE_MAX_RAW)):
        raise ValueError("pressure outside 0 … 262 143.875 Pa cannot be encoded")
    return np.where(np.isnan(p), PRESSURE_INVALID, raw).astype(np.uint32)


def temperature_to_raw(temperature_c: float) -> int:
    if np.isnan(temperature_c):
        return TEMPERATURE_INVALID
    raw = int(_round_half_away(np.array([temperature_c * TEMPERATURE_SCALE]))[0])
    if not -32768 <= raw < TEMPERATURE_INVALID:
        raise ValueError(f"temperature {temperature_c} °C cannot be encoded")
    return raw


def encode_raw_frame(
    first_index: int,
    flags: int,
    temperature_raw: int,
    pressure_raw: npt.ArrayLike,
    q_omit: npt.ArrayLike,
    q_kept: npt.ArrayLike,
) -> bytes:
    """Pack already-quantised samples into one frame (the exact inverse of decoding)."""
    pr = np.asarray(pressure_raw, dtype=np.uint32).reshape(-1)
    om = np.asarray(q_omit, dtype=np.uint32).reshape(-1)
    kept = np.asarray(q_kept, dtype=np.int16).reshape(-1, 3)
    count = len(pr)
    if not 1 <= count <= MAX_SAMPLES_PER_FRAME or len(om) != count or len(kept) != count:
        raise ValueError(f"a frame holds 1 … {MAX_SAMPLES_PER_FRAME} samples, got {count}")
    if np.any(pr > PRESSURE_INVALID) or np.any(om > 3):
        raise ValueError("raw pressure or omitted-component index out of range")
    body = np.empty((count, SAMPLE_SIZE), dtype=np.uint8)
    word = pr | (om << 22)
    body[:, 0] = word & 0xFF
    body[:, 1] = (word >> 8) & 0xFF
    body[:, 2] = (word >> 16) & 0xFF
    body[:, 3:9] = kept.astype("<i2").view(np.uint8).reshape(count, 6)
    header = (
        bytes([FRAME_VERSION, flags & 0xFF])
        + int(first_index & 0xFFFFFFFF).to_bytes(4, "little")
        + bytes([count])
        + int(temperature_raw).to_bytes(2, "little", signed=True)
    )
    return header + body.tobytes()


def encode_frame(
    first_index: int,
    pressure_pa: npt.ArrayLike,
    quaternions: npt.ArrayLike,
    temperature_c: float,
    rate: Rate,
    *,
    backfill: bool = False,
    backfill_end: bool = False,
) -> bytes:
    """Encode samples in physical units into one frame."""
    omit, kept = quaternions_to_raw(quaternions)
    return encode_raw_frame(
        first_index,
        make_flags(rate, backfill=backfill, backfill_end=backfill_end),
        temperature_to_raw(temperature_c),
        pressures_to_raw(pressure_pa),
        omit,
        kept,
    )


def encode_raw_samples(raw: RawSamples, per_frame: int) -> list[bytes]:
    """Re-pack raw samples (consecutive indices) into frames of ≤ ``per_frame`` samples.

    Each frame takes the flags and temperature of its first sample, so raw
    arrays that came from frames of the same size re-encode to the same bytes.
    """
    if per_frame < 1 or per_frame > MAX_SAMPLES_PER_FRAME:
        raise ValueError(f"per_frame must be 1 … {MAX_SAMPLES_PER_FRAME}")
    frames = []
    for start in range(0, len(raw), per_frame):
        chunk = raw[start : start + per_frame]
        frames.append(
            encode_raw_frame(
                int(chunk["index"][0]),
                int(chunk["flags"][0]),
                int(chunk["temperature_raw"][0]),
                chunk["pressure_raw"],
                chunk["q_omit"],
                chunk["q_kept"],
            )
        )
    return frames


# --------------------------------------------------------------------------- decoding


def decode_header(data: bytes | bytearray | memoryview) -> FrameHeader:
    """Parse and check one frame header, including the total length."""
    buf = bytes(data)
    if len(buf) < HEADER_SIZE:
        raise ProtocolError(
            "truncated", f"frame of {len(buf)} bytes is shorter than its {HEADER_SIZE}-byte header"
        )
    header = FrameHeader(
        version=buf[0],
        flags=buf[1],
        first_index=int.from_bytes(buf[2:6], "little"),
        count=buf[6],
        temperature_raw=int.from_bytes(buf[7:9], "little", signed=True),
    )
    _check_header_fields(header.version, header.flags, header.count, len(buf))
    return header


def _check_header_fields(version: int, flags: int, count: int, length: int) -> None:
    if version != FRAME_VERSION:
        raise ProtocolError(
            "version",
            f"unsupported frame version {version}; this client understands {FRAME_VERSION}",
        )
    if flags & _RESERVED_FLAG_BITS:
        raise ProtocolError("flags", f"frame flags 0x{flags:02x} set reserved bits")
    if flags & FrameFlags.BACKFILL_END and not flags & FrameFlags.BACKFILL:
        raise ProtocolError("flags", "frame flags set BACKFILL_END without BACKFILL")
    if not 1 <= count <= MAX_SAMPLES_PER_FRAME:
        raise ProtocolError(
            "count", f"frame sample count {count} is outside 1 … {MAX_SAMPLES_PER_FRAME}"
        )
    expected = frame_size(count)
    if length != expected:
        kind: ErrorKind = "truncated" if length < expected else "length"
        raise ProtocolError(
            kind, f"frame of {length} bytes does not match its count {count} ({expected} bytes)"
        )


def _decode_equal_length(block: bytes, length: int, positions: npt.NDArray[np.intp]) -> RawSamples:
    """Decode the concatenation of frames that all have ``length`` bytes."""
    n_frames = len(block) // length
    matrix = np.frombuffer(block, dtype=np.uint8).reshape(n_frames, length)
    versions, flags, counts = matrix[:, 0], matrix[:, 1], matrix[:, 6]
    bad = (
        (versions != FRAME_VERSION)
        | ((flags & _RESERVED_FLAG_BITS) != 0)
        | (((flags & FrameFlags.BACKFILL_END) != 0) & ((flags & FrameFlags.BACKFILL) == 0))
        | (counts.astype(np.intp) * SAMPLE_SIZE + HEADER_SIZE != length)
        | (counts == 0)
        | (counts > MAX_SAMPLES_PER_FRAME)
    )
    if np.any(bad):
        first = int(np.argmax(bad))
        try:
            _check_header_fields(
                int(versions[first]), int(flags[first]), int(counts[first]), length
            )
        except ProtocolError as err:
            raise ProtocolError(err.kind, f"frame {int(positions[first])}: {err}") from None
        raise AssertionError("vectorised and scalar header checks disagree")  # pragma: no cover
    count = (length - HEADER_SIZE) // SAMPLE_SIZE
    first_index = np.ascontiguousarray(matrix[:, 2:6]).view("<u4").reshape(n_frames)
    temperature = np.ascontiguousarray(matrix[:, 7:9]).view("<i2").reshape(n_frames)
    body = matrix[:, HEADER_SIZE:].reshape(n_frames * count, SAMPLE_SIZE)
    kept = body[:, 3:9].copy().view("<i2")
    _check_quaternions(kept, positions, count)
    word = (
        body[:, 0].astype(np.uint32)
        | (body[:, 1].astype(np.uint32) << 8)
        | (body[:, 2].astype(np.uint32) << 16)
    )
    out = np.empty(n_frames * count, dtype=RAW_SAMPLE_DTYPE)
    out["index"] = (first_index[:, None] + np.arange(count, dtype=np.uint32)).reshape(-1)
    out["flags"] = np.repeat(flags, count)
    out["temperature_raw"] = np.repeat(temperature, count)
    out["pressure_raw"] = word & 0x3FFFFF
    out["q_omit"] = word >> 22
    out["q_kept"] = kept
    return out


def _check_quaternions(
    kept: npt.NDArray[np.int16], positions: npt.NDArray[np.intp], count: int
) -> None:
    """Reject kept triples that cannot be the smallest three of a unit quaternion."""
    as_float = kept.astype(np.float32)
    sumsq = np.einsum("ij,ij->i", as_float, as_float)
    # Whole-array reductions first: the per-row search runs only for a bad frame.
    if sumsq.max(initial=0.0) <= _QUAT_SUMSQ_LIMIT_RAW and kept.min(initial=0) >= QUAT_KEPT_MIN:
        return
    bad = (sumsq > _QUAT_SUMSQ_LIMIT_RAW) | np.any(kept < QUAT_KEPT_MIN, axis=1)
    first = int(np.argmax(bad))
    raise ProtocolError(
        "range",
        f"frame {int(positions[first // count])} sample {first % count}: quaternion "
        f"components {kept[first].tolist()} are not the smallest three of a unit quaternion",
    )


def decode_raw_frames(frames: Sequence[bytes | bytearray | memoryview]) -> RawSamples:
    """Decode frames into one raw sample array, in the order given.

    Raises :class:`ProtocolError` naming the first malformed frame.
    """
    if not frames:
        return np.empty(0, dtype=RAW_SAMPLE_DTYPE)
    lengths = np.fromiter(map(len, frames), dtype=np.intp, count=len(frames))
    # Streams are runs of equal-length frames (a fixed rate and MTU): decode run by
    # run; only a pathological mix of lengths falls back to grouping and scattering.
    run_starts = np.concatenate(([0], np.flatnonzero(np.diff(lengths)) + 1))
    if len(run_starts) <= _MAX_RUNS:
        run_ends = [*run_starts[1:].tolist(), len(frames)]
        runs = [
            _decode_run(frames, start, end, int(lengths[start]))
            for start, end in zip(run_starts.tolist(), run_ends, strict=True)
        ]
        return runs[0] if len(runs) == 1 else np.concatenate(runs)
    return _decode_grouped(frames, lengths)


_MAX_RUNS: Final = 64


def _decode_run(
    frames: Sequence[bytes | bytearray | memoryview], start: int, end: int, length: int
) -> RawSamples:
    if length < HEADER_SIZE:
        try:
            decode_header(frames[start])
        except ProtocolError as err:
            raise ProtocolError(err.kind, f"frame {start}: {err}") from None
    return _decode_equal_length(b"".join(frames[start:end]), length, np.arange(start, end))


def _decode_grouped(
    frames: Sequence[bytes | bytearray | memoryview], lengths: npt.NDArray[np.intp]
) -> RawSamples:
    unique_lengths = np.unique(lengths)
    parts: list[tuple[npt.NDArray[np.intp], RawSamples]] = []
    for length in unique_lengths.tolist():
        positions = np.flatnonzero(lengths == length)
        if length < HEADER_SIZE:
            try:
                decode_header(frames[int(positions[0])])
            except ProtocolError as err:
                raise ProtocolError(err.kind, f"frame {int(positions[0])}: {err}") from None
        block = b"".join([frames[int(i)] for i in positions])
        parts.append((positions, _decode_equal_length(block, length, positions)))
    counts = (lengths - HEADER_SIZE) // SAMPLE_SIZE
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    out = np.empty(int(counts.sum()), dtype=RAW_SAMPLE_DTYPE)
    for positions, raw in parts:
        count = int(counts[positions[0]])
        target = (starts[positions][:, None] + np.arange(count)).reshape(-1)
        out[target] = raw
    return out


def raw_to_decoded(raw: RawSamples) -> npt.NDArray[np.void]:
    """Raw wire integers → physical units (the quaternion's omitted component restored)."""
    n = len(raw)
    out = np.empty(n, dtype=DECODED_SAMPLE_DTYPE)
    out["index"] = raw["index"]
    out["flags"] = raw["flags"]
    pressure = raw["pressure_raw"]
    out["pressure_pa"] = np.where(
        pressure == PRESSURE_INVALID, np.nan, pressure.astype(np.float64) / PRESSURE_SCALE
    )
    temperature = raw["temperature_raw"]
    out["temperature_c"] = np.where(
        temperature == TEMPERATURE_INVALID,
        np.nan,
        temperature.astype(np.float64) / TEMPERATURE_SCALE,
    )
    kept = raw["q_kept"]
    k0 = kept[:, 0] * (1.0 / QUAT_SCALE)
    k1 = kept[:, 1] * (1.0 / QUAT_SCALE)
    k2 = kept[:, 2] * (1.0 / QUAT_SCALE)
    restored = np.sqrt(np.maximum(0.0, 1.0 - (k0 * k0 + k1 * k1 + k2 * k2)))
    omit = raw["q_omit"]
    # Put each kept value back in its w-x-y-z slot (see _KEPT_COLUMNS) without a scatter.
    out["qw"] = np.where(omit == 0, restored, k0)
    out["qx"] = np.where(omit == 0, k0, np.where(omit == 1, restored, k1))
    out["qy"] = np.where(omit <= 1, k1, np.where(omit == 2, restored, k2))
    out["qz"] = np.where(omit == 3, restored, k2)
    return out


def decode_frames(frames: Sequence[bytes | bytearray | memoryview]) -> npt.NDArray[np.void]:
    """Decode frames straight to physical units (see :func:`decode_raw_frames`)."""
    return raw_to_decoded(decode_raw_frames(frames))


def decode_frame(frame: bytes | bytearray | memoryview) -> npt.NDArray[np.void]:
    return decode_frames([frame])
