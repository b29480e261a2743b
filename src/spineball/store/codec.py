"""Sample-block blobs (docs/storage.md): the wire's 9-byte samples, exactly.

- ``samples``: ``count × 9`` bytes, each sample laid out as on the wire
  (docs/protocol.md §3.3): u24 = pressure (bits 0–21, 1/16 Pa) | omitted
  quaternion component (bits 22–23), then the three kept components as i16.
- ``temperatures``: zlib-compressed little-endian i16 per sample (0.01 °C,
  0x7FFF = no reading). Temperature arrives once per frame and changes
  slowly, so this costs well under a byte per sample.
- ``time_residuals``: NULL when every ``t_s`` follows the session's clocks
  exactly (always, for recorded streams); otherwise zlib-compressed i32
  microseconds to add (imported sessions with irregular times).

Blocks without wire integers (imports, synthetic data) are quantised to the
protocol's resolution first: pressure 1/16 Pa, temperature 0.01 °C,
quaternion components ≈ 2.2·10⁻⁵ (smallest-three, as the ball sends them).
"""

from __future__ import annotations

import zlib
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.protocol import RAW_SAMPLE_DTYPE, FrameFlags, Rate
from spineball.protocol.frames import (
    PRESSURE_SCALE,
    TEMPERATURE_INVALID,
    TEMPERATURE_SCALE,
    make_flags,
    pressures_to_raw,
    quaternions_to_raw,
)
from spineball.samples import SampleBlock, Samples, quaternions

SAMPLE_BYTES: Final = 9
RawSamples = npt.NDArray[np.void]


def pack_samples(raw: RawSamples) -> bytes:
    n = len(raw)
    out = np.empty((n, SAMPLE_BYTES), dtype=np.uint8)
    word = raw["pressure_raw"].astype(np.uint32) | (raw["q_omit"].astype(np.uint32) << 22)
    out[:, 0] = word & 0xFF
    out[:, 1] = (word >> 8) & 0xFF
    out[:, 2] = (word >> 16) & 0xFF
    out[:, 3:9] = np.ascontiguousarray(raw["q_kept"], dtype="<i2").view(np.uint8).reshape(n, 6)
    return out.tobytes()


def unpack_samples(blob: bytes, raw: RawSamples) -> None:
    """Fill pressure_raw, q_omit and q_kept of ``raw`` (len(raw) × 9 bytes in ``blob``)."""
    n = len(raw)
    body = np.frombuffer(blob, dtype=np.uint8).reshape(n, SAMPLE_BYTES)
    word = (
        body[:, 0].astype(np.uint32)
        | (body[:, 1].astype(np.uint32) << 8)
        | (body[:, 2].astype(np.uint32) << 16)
    )
    raw["pressure_raw"] = word & 0x3FFFFF
    raw["q_omit"] = word >> 22
    raw["q_kept"] = body[:, 3:9].copy().view("<i2").reshape(n, 3)


def pack_int16(values: npt.NDArray[np.int16]) -> bytes:
    return zlib.compress(np.ascontiguousarray(values, dtype="<i2").tobytes(), 6)


def unpack_int16(blob: bytes) -> npt.NDArray[np.int16]:
    return np.frombuffer(zlib.decompress(blob), dtype="<i2").astype(np.int16)


def pack_int32(values: npt.NDArray[np.int32]) -> bytes:
    return zlib.compress(np.ascontiguousarray(values, dtype="<i4").tobytes(), 6)


def unpack_int32(blob: bytes) -> npt.NDArray[np.int32]:
    return np.frombuffer(zlib.decompress(blob), dtype="<i4").astype(np.int32)


def temperatures_to_raw(temperature_c: npt.NDArray[np.float64]) -> npt.NDArray[np.int16]:
    t = np.asarray(temperature_c, dtype=np.float64)
    scaled = t * TEMPERATURE_SCALE
    rounded = np.sign(scaled) * np.floor(np.abs(np.nan_to_num(scaled)) + 0.5)
    if np.any(~np.isnan(t) & ((rounded < -32768) | (rounded >= TEMPERATURE_INVALID))):
        raise ValueError("temperature outside −327.68 … 327.66 °C cannot be stored")
    return np.where(np.isnan(t), TEMPERATURE_INVALID, rounded).astype(np.int16)


def quantise(samples: Samples, rate_hz: float, *, backfill: bool = False) -> RawSamples:
    """Physical samples → wire integers (the ball's own resolution).

    Raises ValueError for values the protocol cannot carry (non-finite
    quaternions, pressure outside 0 … 262 kPa).
    """
    n = len(samples)
    raw = np.zeros(n, dtype=RAW_SAMPLE_DTYPE)
    raw["index"] = samples["index"] & 0xFFFFFFFF
    try:
        rate = Rate.from_hz(rate_hz)
    except ValueError:
        rate = Rate.HZ_100  # the flags' rate field only has the four wire rates
    raw["flags"] = make_flags(rate, backfill=backfill)
    raw["temperature_raw"] = temperatures_to_raw(samples["temperature_c"])
    raw["pressure_raw"] = pressures_to_raw(samples["pressure_pa"])
    quats = quaternions(samples)
    if not np.all(np.isfinite(quats)):
        bad = int(np.argmax(~np.all(np.isfinite(quats), axis=1)))
        raise ValueError(f"sample {bad} has no valid orientation (quaternion is not finite)")
    raw["q_omit"], raw["q_kept"] = quaternions_to_raw(quats)
    return raw


def block_raw(block: SampleBlock) -> RawSamples:
    """The wire integers of a block: its own, or quantised from its values."""
    if block.raw is not None:
        if len(block.raw) != len(block.samples):
            raise ValueError("block.raw and block.samples differ in length")
        return block.raw
    return quantise(block.samples, block.rate_hz, backfill=block.origin == "backfill")


def storage_flags(raw: RawSamples) -> npt.NDArray[np.uint8]:
    """Per-sample flags as stored: rate and BACKFILL (BACKFILL_END is framing)."""
    flags: npt.NDArray[np.uint8] = raw["flags"] & np.uint8(0xFF ^ FrameFlags.BACKFILL_END)
    return flags


PRESSURE_RESOLUTION_PA: Final = 1.0 / PRESSURE_SCALE
