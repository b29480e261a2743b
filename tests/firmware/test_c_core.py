"""Python ↔ C agreement: the firmware core and spineball.protocol speak the same bytes."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spineball import protocol as p
from tests.firmware.c_core import CCore, Command

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "protocol-vectors.json").read_text()
)


def python_kind(decode: Callable[[bytes], object], data: bytes) -> str:
    """The ProtocolError kind the Python codec raises, or "ok"."""
    try:
        decode(data)
    except p.ProtocolError as err:
        return err.kind
    return "ok"


def random_quaternions(rng: np.random.Generator, n: int) -> np.ndarray:
    q = rng.normal(size=(n, 4))
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def test_c_encode_raw_frame_matches_python_on_every_vector(c_core: CCore) -> None:
    for vector in VECTORS["frames"]:
        d = vector["decoded"]
        args = (
            d["first_index"],
            d["flags"],
            d["temperature_raw"],
            [s["pressure_raw"] for s in d["samples"]],
            [s["q_omit"] for s in d["samples"]],
            [s["q_kept"] for s in d["samples"]],
        )
        assert c_core.encode_raw_frame(*args).hex() == vector["hex"]
        assert c_core.encode_raw_frame(*args) == p.encode_raw_frame(*args)


def test_frames_the_c_core_encodes_decode_to_the_same_values(c_core: CCore) -> None:
    rng = np.random.default_rng(20240601)
    for _ in range(300):
        count = int(rng.integers(1, 27))
        first = int(rng.integers(0, 2**32))
        rate = p.Rate(int(rng.integers(0, 4)))
        pressure = rng.uniform(0.0, 172_400.0, count)
        quats = random_quaternions(rng, count)
        temperature = round(float(rng.uniform(-20.0, 60.0)), 2)
        backfill = bool(rng.integers(0, 2))
        frame = c_core.encode_physical_frame(
            first, pressure, quats, temperature, rate, backfill=backfill, backfill_end=backfill
        )
        # bit for bit what the Python encoder makes of the same physical values
        assert frame == p.encode_frame(
            first, pressure, quats, temperature, rate, backfill=backfill, backfill_end=backfill
        )
        decoded = p.decode_frame(frame)
        header = p.decode_header(frame)
        assert header.rate == rate
        assert header.is_backfill == backfill
        assert decoded["index"].tolist() == [(first + i) % 2**32 for i in range(count)]
        np.testing.assert_allclose(decoded["pressure_pa"], pressure, atol=1 / 32)
        assert decoded["temperature_c"][0] == pytest.approx(temperature)
        got = np.stack([decoded["qw"], decoded["qx"], decoded["qy"], decoded["qz"]], axis=1)
        same_rotation = np.abs(np.einsum("ij,ij->i", got, quats))
        np.testing.assert_allclose(same_rotation, 1.0, atol=1e-8)


def test_the_c_decoder_agrees_with_python_on_mutated_frames(c_core: CCore) -> None:
    rng = np.random.default_rng(7)
    good = bytes.fromhex(VECTORS["frames"][1]["hex"])
    for _ in range(2000):
        frame = bytearray(good)
        for _ in range(int(rng.integers(1, 4))):
            frame[int(rng.integers(0, len(frame)))] = int(rng.integers(0, 256))
        if rng.random() < 0.1:
            frame = frame[: int(rng.integers(0, len(frame)))]
        kind, _, c_samples = c_core.decode_frame(bytes(frame))
        assert kind == python_kind(lambda b: p.decode_raw_frames([b]), bytes(frame))
        if kind == "ok":
            raw = p.decode_raw_frames([bytes(frame)])
            assert [s.pressure_raw for s in c_samples] == raw["pressure_raw"].tolist()
            assert [list(s.q_kept) for s in c_samples] == raw["q_kept"].tolist()


def _random_command(rng: np.random.Generator) -> p.Command:
    choice = int(rng.integers(0, 11))
    commands: list[p.Command] = [
        p.Start(int(rng.integers(0, 4))),
        p.Stop(),
        p.SetRate(int(rng.integers(0, 4))),
        p.Tare(),
        p.Backfill(int(rng.integers(0, 2**32)), int(rng.integers(0, 2**16))),
        p.Identify(int(rng.integers(1, 61))),
        p.ClearBonds(),
        p.CalGet(int(rng.integers(0, 3))),
        p.CalSet(
            int(rng.integers(0, 3)),
            float(np.float32(rng.uniform(0, 5000))),
            float(np.float32(rng.uniform(1, 262_000))),
        ),
        p.PairingWindow(int(rng.integers(0, 256))),
        p.Buzz(int(rng.integers(0, 4)), int(rng.integers(1, 11))),
    ]
    return commands[choice]


def c_command_fields(command: p.Command, parsed: Command) -> dict[str, Any]:
    """The parameters the C parser found, named like the Python dataclass fields."""
    params = parsed.p
    if isinstance(command, p.Start | p.SetRate):
        return {"rate": params.rate.rate}
    if isinstance(command, p.Backfill):
        return {"from_index": params.backfill.from_index, "max_count": params.backfill.max_count}
    if isinstance(command, p.Identify | p.PairingWindow):
        return {"seconds": params.seconds.seconds}
    if isinstance(command, p.CalGet):
        return {"slot": params.slot.slot}
    if isinstance(command, p.CalSet):
        point = params.cal_set
        return {"slot": point.slot, "load_n": point.load_n, "pressure_pa": point.pressure_pa}
    if isinstance(command, p.Buzz):
        return {"pattern": params.buzz.pattern, "repetitions": params.buzz.repetitions}
    return {}


def test_python_encoded_commands_parse_in_c(c_core: CCore) -> None:
    rng = np.random.default_rng(11)
    for i in range(3000):
        command = _random_command(rng)
        data = p.encode_command(command, i & 0xFF)
        kind, parsed = c_core.parse_command(data)
        assert kind == "ok", (command, data.hex())
        assert (parsed.op, parsed.seq) == (data[0], i & 0xFF)
        assert c_command_fields(command, parsed) == p.commands.command_fields(command)


def test_c_and_python_reject_the_same_commands_the_same_way(c_core: CCore) -> None:
    rng = np.random.default_rng(12)
    for _ in range(5000):
        data = bytes(rng.integers(0, 256, int(rng.integers(0, 14)), dtype=np.uint8))
        if data and rng.random() < 0.7:
            data = bytes([int(rng.integers(1, 12))]) + data[1:]
        kind, _ = c_core.parse_command(data)
        assert kind == python_kind(p.decode_command, data), data.hex()
        if kind != "ok":
            expected = p.result_for_error(p.ProtocolError(kind, "-"))  # type: ignore[arg-type]
            assert c_core.result_for_error(kind) == expected


def test_the_c_ball_streams_frames_python_decodes(c_core: CCore) -> None:
    """The firmware's own pipeline: samples → ring → 50 ms batches → frames."""
    rng = np.random.default_rng(3)
    ball = c_core.device()
    ball.connect(247)
    start = ball.command(p.encode_command(p.Start(int(p.Rate.HZ_100)), 1))
    assert p.decode_response(start).result == p.Result.OK
    n = 403
    pressure = rng.uniform(100_000.0, 160_000.0, n)
    quats = random_quaternions(rng, n)
    for i in range(n):
        ball.now_ms += 10
        ball.sample(float(pressure[i]), 31.5, quats[i].tolist())
    stop = p.decode_response(ball.command(p.encode_command(p.Stop(), 2)))
    assert stop.payload == p.StopPayload(next_index=n)
    decoded = p.decode_frames(ball.frames)
    assert [len(f) for f in ball.frames[:-1]] == [p.frame_size(5)] * (len(ball.frames) - 1)
    assert decoded["index"].tolist() == list(range(n))
    np.testing.assert_allclose(decoded["pressure_pa"], pressure, atol=1 / 32)
    got = np.stack([decoded["qw"], decoded["qx"], decoded["qy"], decoded["qz"]], axis=1)
    np.testing.assert_allclose(np.abs(np.einsum("ij,ij->i", got, quats)), 1.0, atol=1e-8)
    assert np.all(decoded["temperature_c"] == 31.5)


def test_the_c_ball_answers_backfill_python_merges_without_gaps(c_core: CCore) -> None:
    ball = c_core.device()
    ball.connect(247)
    ball.command(p.encode_command(p.Start(int(p.Rate.HZ_200)), 1))
    for i in range(1000):
        ball.now_ms += 5
        ball.sample(110_000.0 + i, 30.0, [1.0, 0.0, 0.0, 0.0])
    ball.disconnect()
    received_until = 600  # what the client had before the link dropped
    ball.connect(185)
    answer = p.decode_response(ball.command(p.encode_command(p.Backfill(received_until), 3)))
    assert answer.result == p.Result.OK
    assert answer.payload == p.BackfillPayload(first=received_until, count=400)
    frames = ball.backfill_frames()
    headers = [p.decode_header(f) for f in frames]
    assert all(h.is_backfill for h in headers)
    assert [bool(h.flags & p.FrameFlags.BACKFILL_END) for h in headers] == [False] * (
        len(frames) - 1
    ) + [True]
    assert max(h.count for h in headers) == p.max_samples_for_mtu(185)
    decoded = p.decode_frames(frames)
    assert decoded["index"].tolist() == list(range(600, 1000))
    assert decoded["pressure_pa"].tolist() == [110_000.0 + i for i in range(600, 1000)]


def test_c_status_and_calibration_responses_decode_in_python(c_core: CCore) -> None:
    ball = c_core.device(has_bonds=False, run_id=0xBEEF)
    status = p.decode_status(ball.status())
    assert status.run_id == 0xBEEF
    assert status.firmware == "1.1.0"
    assert status.flags & p.StatusFlags.PAIRING_OPEN
    assert 0 < status.pairing_left_s <= 180
    assert not status.battery_known
    cal = p.CalSet(2, 412.5, 119_250.0)
    assert p.decode_response(ball.command(p.encode_command(cal, 4))).result == p.Result.OK
    assert len(ball.stored) == 1
    got = p.decode_response(ball.command(p.encode_command(p.CalGet(2), 5)))
    assert got.payload == p.CalPointPayload(2, 412.5, 119_250.0)
    empty = p.decode_response(ball.command(p.encode_command(p.CalGet(0), 6)))
    assert isinstance(empty.payload, p.CalPointPayload)
    assert empty.payload.empty
    for vector in VECTORS["statuses"]:
        assert c_core.encode_status(**vector["fields"]).hex() == vector["hex"]


def test_c_advertisement_decodes_in_python(c_core: CCore) -> None:
    name, payload = c_core.advertisement_for_address(bytes([0x2B, 0x1A, 0xDD, 0xCC, 0xBB, 0xAA]))
    assert name == p.name_for_address("AA:BB:CC:DD:1A:2B") == "SB-1A2B"
    assert payload == p.encode_advertisement(name)
    ad = p.decode_advertisement(payload)
    assert ad.is_spineball
    assert ad.name == name
    assert len(payload) <= 31


def test_sensor_fault_is_an_invalid_reading_not_a_number(c_core: CCore) -> None:
    ball = c_core.device()
    ball.connect(23)
    ball.command(p.encode_command(p.Start(int(p.Rate.HZ_25)), 1))
    ball.sample(float("nan"), float("nan"), [0.0, 0.0, 0.0, 1.0], faults=0x0001)
    ball.sample(120_000.0, 22.0, [0.0, 0.0, 0.0, 1.0], faults=0x0001)  # faulty sensor's number
    decoded = p.decode_frames(ball.frames)
    assert np.isnan(decoded["pressure_pa"]).all()
    assert math.isnan(decoded["temperature_c"][0])
    assert p.decode_status(ball.status()).errors & p.ErrorFlags.PRESSURE_SENSOR
