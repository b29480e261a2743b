"""Write docs/protocol-vectors.json: named byte strings with their decoded meaning.

The bytes are packed here with `struct` straight from docs/protocol.md, not
with `spineball.protocol`, so the Python codec and the firmware's C core are
both checked against an independent reading of the document.

    python scripts/gen_protocol_vectors.py > docs/protocol-vectors.json
"""

from __future__ import annotations

import json
import math
import struct
import sys
from typing import Any

SQRT2_SCALE = 32767.0 * math.sqrt(2.0)


def lround(x: float) -> int:
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def smallest_three(q: tuple[float, float, float, float]) -> tuple[int, list[int]]:
    norm = math.sqrt(sum(c * c for c in q))
    unit = [c / norm for c in q]
    omit = max(range(4), key=lambda i: (abs(unit[i]), -i))
    if unit[omit] < 0:
        unit = [-c for c in unit]
    kept = [lround(unit[i] * SQRT2_SCALE) for i in range(4) if i != omit]
    return omit, kept


def restore(omit: int, kept: list[int]) -> list[float]:
    values = [k / SQRT2_SCALE for k in kept]
    missing = math.sqrt(max(0.0, 1.0 - sum(v * v for v in values)))
    values.insert(omit, missing)
    return values


def sample_bytes(pressure_raw: int, omit: int, kept: list[int]) -> bytes:
    word = pressure_raw | (omit << 22)
    return word.to_bytes(3, "little") + struct.pack("<hhh", *kept)


def frame(
    name: str,
    first_index: int,
    rate: int,
    temperature_raw: int,
    samples: list[tuple[int, tuple[float, float, float, float]]],
    *,
    backfill: bool = False,
    backfill_end: bool = False,
    note: str = "",
) -> dict[str, Any]:
    flags = (rate << 4) | (0x01 if backfill else 0) | (0x02 if backfill_end else 0)
    data = struct.pack("<BBIBh", 1, flags, first_index, len(samples), temperature_raw)
    decoded = []
    for pressure_raw, q in samples:
        omit, kept = smallest_three(q)
        data += sample_bytes(pressure_raw, omit, kept)
        decoded.append(
            {
                "pressure_raw": pressure_raw,
                "pressure_pa": None if pressure_raw == 0x3FFFFF else pressure_raw / 16.0,
                "q_in": list(q),
                "q_omit": omit,
                "q_kept": kept,
                "q": [round(v, 9) for v in restore(omit, kept)],
            }
        )
    return {
        "name": name,
        "note": note,
        "hex": data.hex(),
        "decoded": {
            "version": 1,
            "flags": flags,
            "rate_code": rate,
            "backfill": backfill,
            "backfill_end": backfill_end,
            "first_index": first_index,
            "count": len(samples),
            "temperature_raw": temperature_raw,
            "temperature_c": None if temperature_raw == 0x7FFF else temperature_raw / 100.0,
            "samples": decoded,
        },
    }


def rolled(deg: float) -> tuple[float, float, float, float]:
    """Rotation by `deg` about the body x axis (the ball rolling along the spine)."""
    half = math.radians(deg) / 2
    return (math.cos(half), math.sin(half), 0.0, 0.0)


def frames() -> list[dict[str, Any]]:
    identity = (1.0, 0.0, 0.0, 0.0)
    return [
        frame(
            "one_sample_mtu23",
            0,
            2,
            2531,
            [(1_828_800, identity)],
            note="the largest frame at ATT MTU 23: 18 bytes, 1 sample; 114 300 Pa, 25.31 °C",
        ),
        frame(
            "live_100hz_5",
            1000,
            2,
            3012,
            [(1_870_000 + 37 * i, rolled(10.0 * i)) for i in range(5)],
            note="a live 100 Hz frame of 5 samples while rolling 0–40° about x",
        ),
        frame(
            "full_mtu247",
            123_456,
            3,
            -512,
            [(1_900_000 + 1000 * i, rolled(-30.0 + 12.5 * i)) for i in range(26)],
            note="26 samples fill MTU 247 (243 of 244 bytes); temperature −5.12 °C",
        ),
        frame(
            "backfill_middle",
            70_000,
            1,
            3100,
            [(1_850_000, (0.5, 0.5, 0.5, 0.5)), (1_850_016, (0.0, 0.0, 0.0, 1.0))],
            backfill=True,
            note="a backfill frame at 50 Hz; q=(0.5,0.5,0.5,0.5) has a tie, w is omitted",
        ),
        frame(
            "backfill_end",
            70_002,
            1,
            3101,
            [(1_850_032, (0.1, -0.2, 0.9, -0.3))],
            backfill=True,
            backfill_end=True,
            note="last frame of a backfill answer",
        ),
        frame(
            "sensor_fault_and_no_temperature",
            4_294_967_295,
            0,
            0x7FFF,
            [(0x3FFFFF, (0.0, -1.0, 0.0, 0.0))],
            note="index 2^32-1 (wraps next), no valid pressure, no temperature; −x axis flips sign",
        ),
        frame(
            "negative_components",
            42,
            2,
            2000,
            [(2_000_000, (0.3, -0.4, -0.5, 0.7071))],
            note="z is the largest and omitted; kept components keep their signs",
        ),
        frame(
            "saturating_pressure",
            7,
            2,
            2000,
            [(0x3FFFFE, identity)],
            note="the largest encodable pressure, 262 143.875 Pa",
        ),
    ]


def malformed_frames() -> list[dict[str, Any]]:
    good = bytes.fromhex(frames()[1]["hex"])
    one = bytes.fromhex(frames()[0]["hex"])
    bad_quat = bytearray(one)
    bad_quat[12:18] = struct.pack("<hhh", 30000, 30000, 0)  # sum of squares 1.68 > 0.75
    min_quat = bytearray(one)
    min_quat[12:14] = struct.pack("<h", -32768)
    return [
        {"name": "empty", "hex": "", "error": "truncated"},
        {"name": "header_only_truncated", "hex": good[:8].hex(), "error": "truncated"},
        {"name": "sample_truncated", "hex": good[:-1].hex(), "error": "truncated"},
        {"name": "trailing_byte", "hex": (good + b"\x00").hex(), "error": "length"},
        {"name": "version_2", "hex": (b"\x02" + good[1:]).hex(), "error": "version"},
        {"name": "version_0", "hex": (b"\x00" + good[1:]).hex(), "error": "version"},
        {
            "name": "reserved_flag_bit2",
            "hex": (good[:1] + bytes([good[1] | 0x04]) + good[2:]).hex(),
            "error": "flags",
        },
        {
            "name": "reserved_flag_bit7",
            "hex": (good[:1] + bytes([good[1] | 0x80]) + good[2:]).hex(),
            "error": "flags",
        },
        {
            "name": "backfill_end_without_backfill",
            "hex": (good[:1] + bytes([good[1] | 0x02]) + good[2:]).hex(),
            "error": "flags",
        },
        {"name": "count_zero", "hex": (good[:6] + b"\x00" + good[7:9]).hex(), "error": "count"},
        {
            "name": "count_27",
            "hex": (good[:6] + b"\x1b" + good[7:9] + good[9:18] * 27).hex(),
            "error": "count",
        },
        {
            "name": "count_says_more",
            "hex": (good[:6] + b"\x06" + good[7:]).hex(),
            "error": "truncated",
        },
        {
            "name": "count_says_fewer",
            "hex": (good[:6] + b"\x04" + good[7:]).hex(),
            "error": "length",
        },
        {"name": "impossible_quaternion", "hex": bytes(bad_quat).hex(), "error": "range"},
        {"name": "quaternion_component_min", "hex": bytes(min_quat).hex(), "error": "range"},
    ]


def commands() -> list[dict[str, Any]]:
    def cmd(
        name: str, op: int, seq: int, fmt: str, params: dict[str, Any], opname: str
    ) -> dict[str, Any]:
        data = bytes([op, seq]) + struct.pack(fmt, *params.values())
        return {"name": name, "hex": data.hex(), "op": opname, "seq": seq, "params": params}

    return [
        cmd("start_100hz", 0x01, 1, "<B", {"rate": 2}, "START"),
        cmd("stop", 0x02, 2, "<", {}, "STOP"),
        cmd("set_rate_200hz", 0x03, 3, "<B", {"rate": 3}, "SET_RATE"),
        cmd("tare", 0x04, 4, "<", {}, "TARE"),
        cmd("backfill_from_1234", 0x05, 5, "<IH", {"from_index": 1234, "max_count": 0}, "BACKFILL"),
        cmd(
            "backfill_limited",
            0x05,
            250,
            "<IH",
            {"from_index": 4_294_967_000, "max_count": 600},
            "BACKFILL",
        ),
        cmd("identify_5s", 0x06, 6, "<B", {"seconds": 5}, "IDENTIFY"),
        cmd("clear_bonds", 0x07, 7, "<", {}, "CLEAR_BONDS"),
        cmd("cal_get_slot1", 0x08, 8, "<B", {"slot": 1}, "CAL_GET"),
        cmd(
            "cal_set_slot1",
            0x09,
            9,
            "<Bff",
            {"slot": 1, "load_n": 250.0, "pressure_pa": 116900.0},
            "CAL_SET",
        ),
        cmd("pairing_open_120s", 0x0A, 10, "<B", {"seconds": 120}, "PAIRING_WINDOW"),
        cmd("pairing_close", 0x0A, 11, "<B", {"seconds": 0}, "PAIRING_WINDOW"),
        cmd("buzz_alarm_3", 0x0B, 12, "<BB", {"pattern": 3, "repetitions": 3}, "BUZZ"),
    ]


def malformed_commands() -> list[dict[str, Any]]:
    return [
        {"name": "empty", "hex": "", "error": "truncated", "result": 2},
        {"name": "op_only", "hex": "01", "error": "truncated", "result": 2},
        {"name": "unknown_opcode", "hex": "7f01", "error": "opcode", "result": 1},
        {"name": "start_missing_rate", "hex": "0101", "error": "length", "result": 2},
        {"name": "start_extra_byte", "hex": "01010200", "error": "length", "result": 2},
        {"name": "start_rate_4", "hex": "010104", "error": "range", "result": 3},
        {"name": "identify_zero_seconds", "hex": "060100", "error": "range", "result": 3},
        {"name": "cal_get_slot_3", "hex": "080103", "error": "range", "result": 3},
        {"name": "buzz_pattern_4", "hex": "0b010401", "error": "range", "result": 3},
        {"name": "buzz_zero_repetitions", "hex": "0b010000", "error": "range", "result": 3},
        {"name": "backfill_short", "hex": "0501e803", "error": "length", "result": 2},
        {
            "name": "cal_set_half_nan",
            "hex": (bytes([9, 1, 0]) + struct.pack("<ff", 250.0, math.nan)).hex(),
            "error": "range",
            "result": 3,
        },
    ]


def responses() -> list[dict[str, Any]]:
    def resp(
        name: str,
        op: int,
        seq: int,
        result: int,
        fmt: str,
        payload: dict[str, Any] | None,
        opname: str,
    ) -> dict[str, Any]:
        data = bytes([0x80 | op, seq, result])
        if payload is not None:
            data += struct.pack(fmt, *payload.values())
        return {
            "name": name,
            "hex": data.hex(),
            "op": opname,
            "seq": seq,
            "result": result,
            "payload": payload,
        }

    return [
        resp("start_ok", 0x01, 1, 0, "", None, "START"),
        resp("stop_ok", 0x02, 2, 0, "<I", {"next_index": 18_000}, "STOP"),
        resp("tare_ok", 0x04, 4, 0, "<I", {"rest_pressure_raw": 1_828_800}, "TARE"),
        resp("tare_not_streaming", 0x04, 4, 5, "", None, "TARE"),
        resp("backfill_ok", 0x05, 5, 0, "<II", {"first": 1234, "count": 250}, "BACKFILL"),
        resp("backfill_partial", 0x05, 5, 6, "<II", {"first": 2000, "count": 8192}, "BACKFILL"),
        resp("backfill_busy", 0x05, 6, 4, "", None, "BACKFILL"),
        resp(
            "cal_get_point",
            0x08,
            8,
            0,
            "<Bff",
            {"slot": 1, "load_n": 250.0, "pressure_pa": 116900.0},
            "CAL_GET",
        ),
        resp("pairing_open", 0x0A, 10, 0, "<B", {"remaining_s": 120}, "PAIRING_WINDOW"),
        resp("unknown_opcode", 0x0B, 12, 1, "", None, "BUZZ"),
        resp("bad_value", 0x01, 13, 3, "", None, "START"),
    ]


def malformed_responses() -> list[dict[str, Any]]:
    return [
        {"name": "too_short", "hex": "8101", "error": "truncated"},
        {"name": "not_a_response", "hex": "010100", "error": "opcode"},
        {"name": "stop_ok_short_payload", "hex": "820200e803", "error": "length"},
        {"name": "start_ok_with_payload", "hex": "81010000", "error": "length"},
        {"name": "unknown_result", "hex": "810163", "error": "range"},
    ]


def statuses() -> list[dict[str, Any]]:
    def status(name: str, **f: int) -> dict[str, Any]:
        data = struct.pack(
            "<BBBBHIIHBBBB",
            1,
            f["flags"],
            f["battery_pct"],
            f["rate"],
            f["errors"],
            f["oldest_index"],
            f["next_index"],
            f["run_id"],
            f["fw_major"],
            f["fw_minor"],
            f["fw_patch"],
            f["pairing_left_s"],
        )
        return {"name": name, "hex": data.hex(), "fields": {"version": 1, **f}}

    return [
        status(
            "idle_pairing_open",
            flags=0x04,
            battery_pct=87,
            rate=2,
            errors=0,
            oldest_index=0,
            next_index=0,
            run_id=0x1234,
            fw_major=1,
            fw_minor=1,
            fw_patch=0,
            pairing_left_s=173,
        ),
        status(
            "streaming_bonded",
            flags=0x09,
            battery_pct=64,
            rate=3,
            errors=0,
            oldest_index=91_808,
            next_index=100_000,
            run_id=7,
            fw_major=1,
            fw_minor=0,
            fw_patch=3,
            pairing_left_s=0,
        ),
        status(
            "faults_low_battery",
            flags=0x2B,
            battery_pct=4,
            rate=2,
            errors=0x004D,
            oldest_index=4_294_960_000,
            next_index=1_000,
            run_id=65535,
            fw_major=1,
            fw_minor=1,
            fw_patch=0,
            pairing_left_s=255,
        ),
        status(
            "battery_unknown",
            flags=0x00,
            battery_pct=255,
            rate=0,
            errors=0,
            oldest_index=0,
            next_index=0,
            run_id=1,
            fw_major=0,
            fw_minor=9,
            fw_patch=1,
            pairing_left_s=0,
        ),
    ]


def malformed_statuses() -> list[dict[str, Any]]:
    good = bytes.fromhex(statuses()[0]["hex"])
    return [
        {"name": "short", "hex": good[:19].hex(), "error": "truncated"},
        {"name": "long", "hex": (good + b"\x00").hex(), "error": "length"},
        {"name": "version_2", "hex": (b"\x02" + good[1:]).hex(), "error": "version"},
        {"name": "reserved_flag", "hex": (good[:1] + b"\x44" + good[2:]).hex(), "error": "flags"},
        {
            "name": "reserved_error_bit",
            "hex": (good[:4] + b"\x80\x00" + good[6:]).hex(),
            "error": "flags",
        },
        {"name": "battery_101", "hex": (good[:2] + b"\x65" + good[3:]).hex(), "error": "range"},
        {"name": "rate_4", "hex": (good[:3] + b"\x04" + good[4:]).hex(), "error": "range"},
    ]


def advertising() -> list[dict[str, Any]]:
    service_le = bytes.fromhex("5b1d0001ba114c0d8e5a5b1dba110000")[::-1]
    name = b"SB-1A2B"
    data = b"\x02\x01\x06" + bytes([17, 0x07]) + service_le + bytes([len(name) + 1, 0x09]) + name
    return [
        {
            "name": "sb_1a2b",
            "hex": data.hex(),
            "size": len(data),
            "flags": 6,
            "service_uuid": "5b1d0001-ba11-4c0d-8e5a-5b1dba110000",
            "local_name": "SB-1A2B",
        }
    ]


def main() -> None:
    vectors = {
        "format": "spineball-protocol-vectors",
        "version": 1,
        "document": "docs/protocol.md",
        "frames": frames(),
        "malformed_frames": malformed_frames(),
        "commands": commands(),
        "malformed_commands": malformed_commands(),
        "responses": responses(),
        "malformed_responses": malformed_responses(),
        "statuses": statuses(),
        "malformed_statuses": malformed_statuses(),
        "advertising": advertising(),
    }
    json.dump(vectors, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
