"""The Python codec against the shared golden vectors (docs/protocol-vectors.json)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spineball import protocol as p

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "protocol-vectors.json").read_text()
)


def by_name(section: str) -> list[Any]:
    return [pytest.param(v, id=v["name"]) for v in VECTORS[section]]


@pytest.mark.parametrize("vector", by_name("frames"))
def test_frame_decodes_to_its_meaning(vector: dict[str, Any]) -> None:
    data = bytes.fromhex(vector["hex"])
    want = vector["decoded"]
    header = p.decode_header(data)
    assert (header.version, header.flags, header.first_index, header.count) == (
        want["version"],
        want["flags"],
        want["first_index"],
        want["count"],
    )
    assert header.rate == p.Rate(want["rate_code"])
    assert header.is_backfill == want["backfill"]
    raw = p.decode_raw_frames([data])
    assert raw["pressure_raw"].tolist() == [s["pressure_raw"] for s in want["samples"]]
    assert raw["q_omit"].tolist() == [s["q_omit"] for s in want["samples"]]
    assert raw["q_kept"].tolist() == [s["q_kept"] for s in want["samples"]]
    assert raw["temperature_raw"].tolist() == [want["temperature_raw"]] * want["count"]
    decoded = p.decode_frame(data)
    expected_index = [(want["first_index"] + i) & 0xFFFFFFFF for i in range(want["count"])]
    assert decoded["index"].tolist() == expected_index
    for row, sample in zip(decoded, want["samples"], strict=True):
        if sample["pressure_pa"] is None:
            assert math.isnan(row["pressure_pa"])
        else:
            assert row["pressure_pa"] == sample["pressure_pa"]
        q = [row["qw"], row["qx"], row["qy"], row["qz"]]
        assert q == pytest.approx(sample["q"], abs=1e-9)
        assert np.linalg.norm(q) == pytest.approx(1.0, abs=1e-4)
        if want["temperature_c"] is None:
            assert math.isnan(row["temperature_c"])
        else:
            assert row["temperature_c"] == pytest.approx(want["temperature_c"])


@pytest.mark.parametrize("vector", by_name("frames"))
def test_frame_encodes_to_the_same_bytes(vector: dict[str, Any]) -> None:
    want = vector["decoded"]
    samples = want["samples"]
    from_raw = p.encode_raw_frame(
        want["first_index"],
        want["flags"],
        want["temperature_raw"],
        [s["pressure_raw"] for s in samples],
        [s["q_omit"] for s in samples],
        [s["q_kept"] for s in samples],
    )
    assert from_raw.hex() == vector["hex"]
    if all(s["pressure_pa"] is not None for s in samples):
        from_physical = p.encode_frame(
            want["first_index"],
            [s["pressure_pa"] for s in samples],
            [s["q_in"] for s in samples],
            math.nan if want["temperature_c"] is None else want["temperature_c"],
            p.Rate(want["rate_code"]),
            backfill=want["backfill"],
            backfill_end=want["backfill_end"],
        )
        assert from_physical.hex() == vector["hex"]


@pytest.mark.parametrize("vector", by_name("malformed_frames"))
def test_malformed_frame_raises_its_kind(vector: dict[str, Any]) -> None:
    data = bytes.fromhex(vector["hex"])
    with pytest.raises(p.ProtocolError) as info:
        p.decode_raw_frames([data])
    assert info.value.kind == vector["error"]
    assert str(info.value)


def test_malformed_frame_among_good_ones_is_named_by_position() -> None:
    good = [bytes.fromhex(v["hex"]) for v in VECTORS["frames"]]
    bad = bytes.fromhex(VECTORS["malformed_frames"][4]["hex"])  # version 2
    with pytest.raises(p.ProtocolError, match=r"^frame 3: unsupported frame version 2"):
        p.decode_raw_frames([*good[:3], bad, *good[3:]])


def test_mixed_length_frames_keep_their_order() -> None:
    frames = [bytes.fromhex(v["hex"]) for v in VECTORS["frames"]]
    together = p.decode_raw_frames(frames)
    one_by_one = np.concatenate([p.decode_raw_frames([f]) for f in frames])
    assert together.tobytes() == one_by_one.tobytes()


@pytest.mark.parametrize("vector", by_name("commands"))
def test_command_round_trip(vector: dict[str, Any]) -> None:
    seq, command = p.decode_command(bytes.fromhex(vector["hex"]))
    assert seq == vector["seq"]
    assert p.Opcode[vector["op"]] == p.commands._BY_KIND[type(command)].op
    assert p.commands.command_fields(command) == vector["params"]
    assert p.encode_command(command, seq).hex() == vector["hex"]


@pytest.mark.parametrize("vector", by_name("malformed_commands"))
def test_malformed_command(vector: dict[str, Any]) -> None:
    with pytest.raises(p.ProtocolError) as info:
        p.decode_command(bytes.fromhex(vector["hex"]))
    assert info.value.kind == vector["error"]
    assert p.result_for_error(info.value) == vector["result"]


@pytest.mark.parametrize("vector", by_name("responses"))
def test_response_round_trip(vector: dict[str, Any]) -> None:
    response = p.decode_response(bytes.fromhex(vector["hex"]))
    assert response.op == p.Opcode[vector["op"]]
    assert (response.seq, int(response.result)) == (vector["seq"], vector["result"])
    if vector["payload"] is None:
        assert response.payload is None
    else:
        assert response.payload is not None
        assert {k: getattr(response.payload, k) for k in vector["payload"]} == vector["payload"]
    assert p.encode_response(response).hex() == vector["hex"]


@pytest.mark.parametrize("vector", by_name("malformed_responses"))
def test_malformed_response(vector: dict[str, Any]) -> None:
    with pytest.raises(p.ProtocolError) as info:
        p.decode_response(bytes.fromhex(vector["hex"]))
    assert info.value.kind == vector["error"]


@pytest.mark.parametrize("vector", by_name("statuses"))
def test_status_round_trip(vector: dict[str, Any]) -> None:
    status = p.decode_status(bytes.fromhex(vector["hex"]))
    assert {k: int(getattr(status, k)) for k in vector["fields"]} == vector["fields"]
    assert p.encode_status(status).hex() == vector["hex"]


@pytest.mark.parametrize("vector", by_name("malformed_statuses"))
def test_malformed_status(vector: dict[str, Any]) -> None:
    with pytest.raises(p.ProtocolError) as info:
        p.decode_status(bytes.fromhex(vector["hex"]))
    assert info.value.kind == vector["error"]


@pytest.mark.parametrize("vector", by_name("advertising"))
def test_advertising(vector: dict[str, Any]) -> None:
    assert p.encode_advertisement(vector["local_name"]).hex() == vector["hex"]
    ad = p.decode_advertisement(bytes.fromhex(vector["hex"]))
    assert ad.name == vector["local_name"]
    assert ad.service_uuids == (vector["service_uuid"],)
    assert ad.is_spineball
    assert vector["size"] <= 31


def test_every_message_type_has_vectors() -> None:
    covered_ops = {v["op"] for v in VECTORS["commands"]}
    assert covered_ops == {op.name for op in p.Opcode}
    assert {k for k in VECTORS if isinstance(VECTORS[k], list)} == {
        "frames",
        "malformed_frames",
        "commands",
        "malformed_commands",
        "responses",
        "malformed_responses",
        "statuses",
        "malformed_statuses",
        "advertising",
    }
