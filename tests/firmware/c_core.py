"""The firmware's portable C core, built as a host shared library and wrapped with ctypes.

`build_core(build_dir)` compiles firmware/components/spineball_core with the
same CMake project as the C tests (firmware/test) and returns the library's
path; `CCore(path)` loads it. The wrappers mirror the Python codec's
signatures, so tests can feed both the same data:

- `CCore.encode_raw_frame(first_index, flags, temperature_raw, pressure_raw,
  q_omit, q_kept) -> bytes` has exactly the signature of
  `spineball.protocol.encode_raw_frame`, so it can stand in for it (e.g. as
  the virtual ball's frame encoder, to stream C-encoded frames over BLE).
- `CCore.encode_physical_frame(...)` quantises like the firmware does.
- `CCore.parse_command(bytes)`, `CCore.Device` (the ball's whole command and
  sampling logic) and the status/advertising encoders.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from collections.abc import Callable, Sequence
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    Union,
    c_bool,
    c_char,
    c_char_p,
    c_double,
    c_float,
    c_int,
    c_int16,
    c_size_t,
    c_uint8,
    c_uint16,
    c_uint32,
    c_void_p,
)
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[2]
FIRMWARE_TEST_PROJECT = REPO / "firmware" / "test"

MAX_FRAME_SIZE = 9 + 9 * 26
CONTROL_MAX_SIZE = 20
STATUS_SIZE = 20
ADV_MAX_SIZE = 31

#: sb_err in sb_protocol.h, by value; the names are spineball.protocol's ErrorKind.
ERROR_NAMES = ("ok", "truncated", "length", "version", "flags", "count", "range", "opcode")


class CoreBuildError(RuntimeError):
    """CMake could not configure or build the core."""


def build_core(build_dir: Path) -> Path:
    """Configure and build libspineball_core (no sanitizers, so Python can load it)."""
    cmake = shutil.which("cmake")
    if cmake is None:
        raise CoreBuildError("cmake not found; scripts/system-packages.sh installs it")
    steps = [
        [
            cmake,
            "-S",
            str(FIRMWARE_TEST_PROJECT),
            "-B",
            str(build_dir),
            "-DSB_BUILD_SHARED=ON",
            "-DSB_BUILD_TESTS=OFF",
            "-DSB_SANITIZE=OFF",
            "-DCMAKE_BUILD_TYPE=Release",
        ],
        [cmake, "--build", str(build_dir), "--target", "spineball_core_shared", "-j", "2"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise CoreBuildError(f"{' '.join(step)} failed:\n{done.stdout}\n{done.stderr}")
    found = sorted((build_dir / "spineball_core").glob("libspineball_core.so*"))
    if not found:
        raise CoreBuildError(f"no libspineball_core.so under {build_dir}")
    return found[0]


class RawSample(Structure):
    _fields_ = [("pressure_raw", c_uint32), ("q_omit", c_uint8), ("q_kept", c_int16 * 3)]


class FrameHeader(Structure):
    _fields_ = [
        ("version", c_uint8),
        ("flags", c_uint8),
        ("first_index", c_uint32),
        ("count", c_uint8),
        ("temperature_raw", c_int16),
    ]


class _Rate(Structure):
    _fields_ = [("rate", c_uint8)]


class _Backfill(Structure):
    _fields_ = [("from_index", c_uint32), ("max_count", c_uint16)]


class _Seconds(Structure):
    _fields_ = [("seconds", c_uint8)]


class _Slot(Structure):
    _fields_ = [("slot", c_uint8)]


class _CalPoint(Structure):
    _fields_ = [("slot", c_uint8), ("load_n", c_float), ("pressure_pa", c_float)]


class _Buzz(Structure):
    _fields_ = [("pattern", c_uint8), ("repetitions", c_uint8)]


class _CommandParams(Union):
    _fields_ = [
        ("rate", _Rate),
        ("backfill", _Backfill),
        ("seconds", _Seconds),
        ("slot", _Slot),
        ("cal_set", _CalPoint),
        ("buzz", _Buzz),
    ]


class Command(Structure):
    """sb_command: op, seq and the op's parameters."""

    _fields_ = [("op", c_uint8), ("seq", c_uint8), ("p", _CommandParams)]


class Status(Structure):
    _fields_ = [
        ("version", c_uint8),
        ("flags", c_uint8),
        ("battery_pct", c_uint8),
        ("rate", c_uint8),
        ("errors", c_uint16),
        ("oldest_index", c_uint32),
        ("next_index", c_uint32),
        ("run_id", c_uint16),
        ("fw_major", c_uint8),
        ("fw_minor", c_uint8),
        ("fw_patch", c_uint8),
        ("pairing_left_s", c_uint8),
    ]


class SampleIn(Structure):
    _fields_ = [
        ("pressure_pa", c_double),
        ("temperature_c", c_double),
        ("q", c_double * 4),
        ("faults", c_uint16),
    ]


FrameSink = CFUNCTYPE(None, c_void_p, POINTER(c_uint8), c_size_t)
StoreCalibration = CFUNCTYPE(c_bool, c_void_p, POINTER(c_uint8))
PlatformHook = CFUNCTYPE(None, c_void_p)
BoolHook = CFUNCTYPE(c_bool, c_void_p)
RateHook = CFUNCTYPE(None, c_void_p, c_int)


class Platform(Structure):
    _fields_ = [
        ("ctx", c_void_p),
        ("emit_frame", FrameSink),
        ("store_calibration", StoreCalibration),
        ("clear_bonds", BoolHook),
        ("begin_run", PlatformHook),
        ("rate_changed", RateHook),
        ("tare_gyro", PlatformHook),
    ]


def _signatures(lib: ctypes.CDLL) -> None:
    table: dict[str, tuple[Any, list[Any]]] = {
        "sb_frame_encode": (
            c_int,
            [
                *(c_uint32, c_uint8, c_int16, POINTER(RawSample), c_size_t),
                *(POINTER(c_uint8), c_size_t, POINTER(c_size_t)),
            ],
        ),
        "sb_frame_decode": (
            c_int,
            [POINTER(c_uint8), c_size_t, POINTER(FrameHeader), POINTER(RawSample)],
        ),
        "sb_quat_pack": (c_bool, [POINTER(c_double), POINTER(c_uint8), POINTER(c_int16)]),
        "sb_pressure_to_raw": (c_uint32, [c_double]),
        "sb_temperature_to_raw": (c_int16, [c_double]),
        "sb_frame_flags": (c_uint8, [c_int, c_bool, c_bool]),
        "sb_samples_per_frame": (ctypes.c_uint, [c_int, c_uint16]),
        "sb_command_parse": (c_int, [POINTER(c_uint8), c_size_t, POINTER(Command)]),
        "sb_result_for_error": (c_int, [c_int]),
        "sb_status_encode": (c_int, [POINTER(Status), POINTER(c_uint8)]),
        "sb_adv_encode": (c_int, [c_char_p, POINTER(c_uint8), POINTER(c_size_t)]),
        "sb_adv_name_for_address": (None, [POINTER(c_uint8), POINTER(c_char)]),
        "sb_device_sizeof": (c_size_t, []),
        "sb_device_init": (
            None,
            [c_void_p, POINTER(Platform), c_uint32, c_uint16, c_bool, c_void_p, c_size_t],
        ),
        "sb_device_sample": (c_bool, [c_void_p, c_uint32, POINTER(SampleIn)]),
        "sb_device_command": (
            c_size_t,
            [c_void_p, c_uint32, POINTER(c_uint8), c_size_t, POINTER(c_uint8), c_size_t],
        ),
        "sb_device_next_backfill_frame": (c_size_t, [c_void_p, POINTER(c_uint8), c_size_t]),
        "sb_device_connected": (None, [c_void_p, c_uint32, c_uint16]),
        "sb_device_disconnected": (None, [c_void_p, c_uint32]),
        "sb_device_status_due": (c_bool, [c_void_p, c_uint32, POINTER(c_uint8)]),
    }
    for name, (restype, argtypes) in table.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes


def _bytes_in(data: bytes | bytearray) -> Any:
    return (c_uint8 * max(1, len(data))).from_buffer_copy(bytes(data) or b"\0")


class CCore:
    """The C core loaded from `library` (see `build_core`)."""

    def __init__(self, library: Path) -> None:
        self.lib = ctypes.CDLL(str(library))
        _signatures(self.lib)

    # ------------------------------------------------------------------ frames

    def encode_raw_frame(
        self,
        first_index: int,
        flags: int,
        temperature_raw: int,
        pressure_raw: npt.ArrayLike,
        q_omit: npt.ArrayLike,
        q_kept: npt.ArrayLike,
    ) -> bytes:
        """Same signature and result as `spineball.protocol.encode_raw_frame`, in C."""
        pressures = np.asarray(pressure_raw, dtype=np.int64).reshape(-1)
        omits = np.asarray(q_omit, dtype=np.int64).reshape(-1)
        kept = np.asarray(q_kept, dtype=np.int64).reshape(-1, 3)
        count = len(pressures)
        if len(omits) != count or len(kept) != count:
            raise ValueError("pressure_raw, q_omit and q_kept must have one row per sample")
        samples = (RawSample * max(1, count))()
        for i in range(count):
            samples[i].pressure_raw = int(pressures[i]) & 0xFFFFFFFF
            samples[i].q_omit = int(omits[i]) & 0xFF
            for k in range(3):
                samples[i].q_kept[k] = int(kept[i, k])
        out = (c_uint8 * MAX_FRAME_SIZE)()
        length = c_size_t(0)
        err = self.lib.sb_frame_encode(
            first_index & 0xFFFFFFFF,
            flags & 0xFF,
            temperature_raw,
            samples,
            count,
            out,
            MAX_FRAME_SIZE,
            ctypes.byref(length),
        )
        if err != 0:
            raise ValueError(f"sb_frame_encode: {ERROR_NAMES[err]}")
        return bytes(out[: length.value])

    def quantise(
        self, pressure_pa: float, quaternion: Sequence[float]
    ) -> tuple[int, int, tuple[int, int, int]]:
        """(pressure_raw, q_omit, q_kept) exactly as the firmware packs a sample."""
        q = (c_double * 4)(*quaternion)
        omit = c_uint8(0)
        kept = (c_int16 * 3)()
        if not self.lib.sb_quat_pack(q, ctypes.byref(omit), kept):
            raise ValueError(f"not a rotation: {tuple(quaternion)}")
        return int(self.lib.sb_pressure_to_raw(pressure_pa)), omit.value, tuple(kept)  # type: ignore[return-value]

    def encode_physical_frame(
        self,
        first_index: int,
        pressure_pa: Sequence[float],
        quaternions: Sequence[Sequence[float]],
        temperature_c: float,
        rate: int,
        *,
        backfill: bool = False,
        backfill_end: bool = False,
    ) -> bytes:
        """Like `spineball.protocol.encode_frame`, with the firmware's quantisation."""
        packed = [self.quantise(p, q) for p, q in zip(pressure_pa, quaternions, strict=True)]
        return self.encode_raw_frame(
            first_index,
            self.lib.sb_frame_flags(rate, backfill, backfill_end),
            self.lib.sb_temperature_to_raw(temperature_c),
            [s[0] for s in packed],
            [s[1] for s in packed],
            [s[2] for s in packed],
        )

    def decode_frame(self, data: bytes) -> tuple[str, FrameHeader, list[RawSample]]:
        header = FrameHeader()
        samples = (RawSample * 26)()
        err = self.lib.sb_frame_decode(_bytes_in(data), len(data), ctypes.byref(header), samples)
        return ERROR_NAMES[err], header, list(samples[: header.count if err == 0 else 0])

    def samples_per_frame(self, rate: int, mtu: int) -> int:
        return int(self.lib.sb_samples_per_frame(rate, mtu))

    # ---------------------------------------------------------------- control

    def parse_command(self, data: bytes) -> tuple[str, Command]:
        """(error kind or "ok", the parsed sb_command)."""
        command = Command()
        err = self.lib.sb_command_parse(_bytes_in(data), len(data), ctypes.byref(command))
        return ERROR_NAMES[err], command

    def result_for_error(self, kind: str) -> int:
        return int(self.lib.sb_result_for_error(ERROR_NAMES.index(kind)))

    def encode_status(self, **fields: int) -> bytes:
        status = Status(**fields)
        out = (c_uint8 * STATUS_SIZE)()
        err = self.lib.sb_status_encode(ctypes.byref(status), out)
        if err != 0:
            raise ValueError(f"sb_status_encode: {ERROR_NAMES[err]}")
        return bytes(out)

    def advertisement_for_address(self, address: bytes) -> tuple[str, bytes]:
        """(name, advertising payload) for a 6-byte on-air (little-endian) address."""
        name = (c_char * 8)()
        self.lib.sb_adv_name_for_address(_bytes_in(address), name)
        out = (c_uint8 * ADV_MAX_SIZE)()
        length = c_size_t(0)
        err = self.lib.sb_adv_encode(name.value, out, ctypes.byref(length))
        if err != 0:
            raise ValueError(f"sb_adv_encode: {ERROR_NAMES[err]}")
        return name.value.decode(), bytes(out[: length.value])

    def device(self, *, has_bonds: bool = True, run_id: int = 1) -> Device:
        return Device(self, has_bonds=has_bonds, run_id=run_id)


class Device:
    """One sb_device (the ball's logic) with the frames it emits collected."""

    def __init__(self, core: CCore, *, has_bonds: bool, run_id: int) -> None:
        self.core = core
        self.frames: list[bytes] = []
        self.stored: list[bytes] = []
        self._memory = ctypes.create_string_buffer(core.lib.sb_device_sizeof())
        self._hooks: list[Callable[..., Any]] = [
            FrameSink(self._on_frame),
            StoreCalibration(self._on_store),
        ]
        self._platform = Platform(None, self._hooks[0], self._hooks[1])
        core.lib.sb_device_init(
            self._memory, ctypes.byref(self._platform), 0, run_id, has_bonds, None, 0
        )
        self.now_ms = 0

    def _on_frame(self, _ctx: int, frame: Any, length: int) -> None:
        self.frames.append(ctypes.string_at(frame, length))

    def _on_store(self, _ctx: int, blob: Any) -> bool:
        self.stored.append(ctypes.string_at(blob, 34))
        return True

    def connect(self, mtu: int) -> None:
        self.core.lib.sb_device_connected(self._memory, self.now_ms, mtu)

    def disconnect(self) -> None:
        self.core.lib.sb_device_disconnected(self._memory, self.now_ms)

    def sample(
        self, pressure_pa: float, temperature_c: float, q: Sequence[float], faults: int = 0
    ) -> bool:
        sample = SampleIn(pressure_pa, temperature_c, (c_double * 4)(*q), faults)
        return bool(self.core.lib.sb_device_sample(self._memory, self.now_ms, ctypes.byref(sample)))

    def command(self, data: bytes) -> bytes:
        out = (c_uint8 * CONTROL_MAX_SIZE)()
        n = self.core.lib.sb_device_command(
            self._memory, self.now_ms, _bytes_in(data), len(data), out, CONTROL_MAX_SIZE
        )
        return bytes(out[:n])

    def backfill_frames(self) -> list[bytes]:
        frames = []
        out = (c_uint8 * MAX_FRAME_SIZE)()
        while n := self.core.lib.sb_device_next_backfill_frame(self._memory, out, MAX_FRAME_SIZE):
            frames.append(bytes(out[:n]))
        return frames

    def status(self) -> bytes:
        out = (c_uint8 * STATUS_SIZE)()
        self.now_ms += 10_000  # a notification is due at least every 5 s
        assert self.core.lib.sb_device_status_due(self._memory, self.now_ms, out)
        return bytes(out)
