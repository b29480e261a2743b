"""Commands, responses, status and advertising beyond the golden vectors."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spineball import protocol as p


def test_every_command_fits_mtu_23() -> None:
    largest = p.encode_command(p.CalSet(2, 1000.0, 150000.0), 255)
    assert len(largest) <= 20


def test_encoder_refuses_out_of_range_parameters() -> None:
    with pytest.raises(p.ProtocolError, match="START: value 7 outside 0 … 3"):
        p.encode_command(p.Start(7), 1)
    with pytest.raises(p.ProtocolError, match="plausible"):
        p.encode_command(p.CalSet(0, -5.0, 1000.0), 1)
    with pytest.raises(p.ProtocolError, match="BACKFILL"):
        p.encode_command(p.Backfill(2**33), 1)


def test_cal_set_nan_empties_a_slot() -> None:
    seq, cmd = p.decode_command(p.encode_command(p.CalSet(1, math.nan, math.nan), 3))
    assert seq == 3
    assert isinstance(cmd, p.CalSet)
    assert math.isnan(cmd.load_n)


def test_error_response_for_an_unknown_opcode() -> None:
    data = p.encode_error_response(0x0B, 9, p.Result.UNKNOWN_OPCODE)
    response = p.decode_response(data)
    assert (response.op, response.seq, response.result) == (
        p.Opcode.BUZZ,
        9,
        p.Result.UNKNOWN_OPCODE,
    )
    assert not response.ok


def test_response_payload_type_is_checked() -> None:
    with pytest.raises(ValueError, match="no payload"):
        p.encode_response(p.Response(p.Opcode.STOP, 1, p.Result.OK, p.PairingPayload(3)))


@given(st.binary(max_size=24))
def test_random_control_bytes_raise_only_protocol_error(data: bytes) -> None:
    outcomes = []
    for decode in (p.decode_command, p.decode_response, p.decode_status, p.decode_advertisement):
        try:
            decode(data)
            outcomes.append("ok")
        except p.ProtocolError as err:
            outcomes.append(err.kind)
    assert len(outcomes) == 4


def test_status_helpers() -> None:
    status = p.Status(
        1,
        p.StatusFlags.STREAMING | p.StatusFlags.HAS_BONDS,
        80,
        p.Rate.HZ_100,
        p.ErrorFlags(0),
        2**32 - 10,
        20,
        3,
        1,
        2,
        3,
        0,
    )
    assert status.buffered_samples == 30
    assert status.firmware == "1.2.3"
    assert p.decode_status(p.encode_status(status)) == status


def test_advertisement_name_limits() -> None:
    assert p.name_for_address("C0:98:E5:49:1A:2B") == "SB-1A2B"
    assert len(p.encode_advertisement("SB-1A2B1")) == 31  # an 8-character name fills it exactly
    with pytest.raises(ValueError, match="too long"):
        p.encode_advertisement("SB-1A2B12")
    with pytest.raises(ValueError, match="too long"):
        p.encode_advertisement("SpineBall-1A2B")


def test_advertisement_parsing_tolerates_padding_and_unknown_types() -> None:
    data = p.encode_advertisement("SB-0001")[:21] + bytes([3, 0xFF, 0x01, 0x02])
    ad = p.decode_advertisement(data + b"\x00")
    assert ad.is_spineball
    assert ad.name is None
    with pytest.raises(p.ProtocolError, match="runs past"):
        p.decode_advertisement(bytes([5, 0x09, 0x41]))
