"""Frame sizing, batching and property tests of the sample codec."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from spineball import protocol as p
from spineball.protocol import frames as f


@pytest.mark.parametrize(("mtu", "count", "size"), [(23, 1, 18), (185, 19, 180), (247, 26, 243)])
def test_largest_frame_fits_the_mtu(mtu: int, count: int, size: int) -> None:
    assert p.max_samples_for_mtu(mtu) == count
    assert p.frame_size(count) == size
    assert size <= mtu - 3


def test_mtu_below_minimum_is_rejected() -> None:
    with pytest.raises(ValueError, match="below the Bluetooth minimum"):
        p.max_samples_for_mtu(22)


@pytest.mark.parametrize(
    ("rate", "per_frame", "bytes_per_sample"),
    [
        (p.Rate.HZ_200, 10, 9.9),
        (p.Rate.HZ_100, 5, 10.8),
        (p.Rate.HZ_50, 3, 12.0),
        (p.Rate.HZ_25, 2, 13.5),
    ],
)
def test_batching_keeps_latency_and_average_size(
    rate: p.Rate, per_frame: int, bytes_per_sample: float
) -> None:
    """The table of docs/protocol.md §3.1: ⌈rate × 50 ms⌉ samples, the oldest waits < 50 ms."""
    n = p.samples_per_frame(rate, 247)
    assert n == per_frame
    assert (n - 1) / rate.hz < f.MAX_BATCH_DELAY_S
    assert p.frame_size(n) / n == pytest.approx(bytes_per_sample)
    assert p.samples_per_frame(rate, 23) == 1


def test_average_payload_at_100hz_and_full_frames_is_at_most_12_bytes() -> None:
    assert p.frame_size(5) / 5 <= 12
    assert p.frame_size(26) / 26 <= 12


unit_quats = hnp.arrays(
    np.float64,
    st.tuples(st.integers(1, 40), st.just(4)),
    elements=st.floats(-1, 1, allow_nan=False),
).filter(lambda a: bool(np.all(np.linalg.norm(a, axis=1) > 1e-3)))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(quats=unit_quats, data=st.data())
def test_encode_decode_round_trip(quats: np.ndarray, data: st.DataObject) -> None:
    n = len(quats)
    pressures = np.array(data.draw(st.lists(st.floats(0, 262143.8), min_size=n, max_size=n)))
    first = data.draw(st.integers(0, 2**32 - 1))
    rate = data.draw(st.sampled_from(list(p.Rate)))
    temperature = data.draw(st.floats(-40, 85))
    frames = []
    for start in range(0, n, 26):
        stop = min(n, start + 26)
        frames.append(
            p.encode_frame(
                (first + start) & 0xFFFFFFFF,
                pressures[start:stop],
                quats[start:stop],
                temperature,
                rate,
            )
        )
    out = p.decode_frames(frames)
    assert out["index"].tolist() == [(first + i) & 0xFFFFFFFF for i in range(n)]
    assert np.all(np.abs(out["pressure_pa"] - pressures) <= 1 / 32 + 1e-9)
    assert np.all(np.abs(out["temperature_c"] - temperature) <= 0.005 + 1e-9)
    unit = quats / np.linalg.norm(quats, axis=1)[:, None]
    got = np.stack([out["qw"], out["qx"], out["qy"], out["qz"]], axis=1)
    # q and −q are the same rotation: compare |q·q'| to 1
    dots = np.abs(np.sum(unit * got, axis=1))
    assert np.all(dots > 1 - 1e-8)
    assert np.all((out["flags"] >> 4) == rate)
    # raw → bytes is exact
    assert p.encode_raw_samples(p.decode_raw_frames(frames), 26) == frames


@settings(max_examples=2000)
@given(st.binary(max_size=300))
def test_random_bytes_raise_only_protocol_error(data: bytes) -> None:
    kinds = ("truncated", "length", "version", "flags", "count", "range")
    try:
        out = p.decode_frames([data])
    except p.ProtocolError as err:
        kind: str = err.kind
    else:
        kind = "ok"
        assert len(out) == data[6]
    assert kind in (*kinds, "ok")


@settings(max_examples=500)
@given(st.binary(min_size=18, max_size=243), st.integers(0, 242), st.integers(0, 255))
def test_mutated_valid_frames(data: bytes, pos: int, value: int) -> None:
    n = max(1, min(26, (len(data) - 9) // 9))
    frame = bytearray(p.encode_frame(0, [114300.0] * n, [[1, 0, 0, 0]] * n, 25.0, p.Rate.HZ_100))
    frame[pos % len(frame)] = value
    try:
        decoded = p.decode_frames([bytes(frame)])
    except p.ProtocolError:
        return
    assert np.all(np.isfinite(decoded["qw"]))


@given(st.lists(st.binary(max_size=60), max_size=20))
def test_random_batches_raise_only_protocol_error(frames: list[bytes]) -> None:
    try:
        out = p.decode_raw_frames(frames)
    except p.ProtocolError as err:
        message = str(err)
    else:
        message = "ok"
        assert len(out) == sum(f[6] for f in frames)
    assert message == "ok" or message.startswith("frame ") or len(set(map(len, frames))) <= 1


def test_decoding_nothing_gives_an_empty_array() -> None:
    assert len(p.decode_frames([])) == 0


def test_encoder_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="1 … 26"):
        p.encode_frame(0, [1.0] * 27, [[1, 0, 0, 0]] * 27, 20.0, p.Rate.HZ_100)
    with pytest.raises(ValueError, match="pressure"):
        p.encode_frame(0, [300000.0], [[1, 0, 0, 0]], 20.0, p.Rate.HZ_100)
    with pytest.raises(ValueError, match="non-zero"):
        p.encode_frame(0, [1.0], [[0, 0, 0, 0]], 20.0, p.Rate.HZ_100)
    with pytest.raises(ValueError, match="BACKFILL_END"):
        p.encode_frame(0, [1.0], [[1, 0, 0, 0]], 20.0, p.Rate.HZ_100, backfill_end=True)


def test_rate_codes() -> None:
    assert [r.hz for r in p.Rate] == [25, 50, 100, 200]
    assert p.Rate.from_hz(200) is p.Rate.HZ_200
    with pytest.raises(ValueError, match="unsupported sample rate 60"):
        p.Rate.from_hz(60)
