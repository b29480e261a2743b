"""The virtual sensor ball: a Bumble GATT peripheral speaking docs/protocol.md.

It runs the real protocol over a real BLE host stack: LE Secure Connections
bonding with a pairing window, encrypted characteristics, the 31-byte
advertisement, sample frames sized by the negotiated MTU, a ring buffer with
backfill, status and standard services. Its measurements come from a
:class:`~spineball.virtual.source.SampleSource`.

Typical use is through :class:`spineball.virtual.world.VirtualWorld`; on its
own it needs a :class:`~spineball.virtual.radio.RadioLink` or an HCI transport
string such as ``usb:0`` (then it is a real peripheral on a USB dongle).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import random
import struct
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

from bumble import hci
from bumble.att import ATT_UNLIKELY_ERROR_ERROR, ATT_Error, ATT_Handle_Value_Notification
from bumble.device import Connection, Device, DeviceConfiguration
from bumble.gatt import Characteristic
from bumble.host import Host
from bumble.pairing import PairingConfig
from bumble.transport import open_transport
from bumble.transport.common import AsyncPipeSink, Transport

from spineball.protocol import (
    ErrorFlags,
    Rate,
    Status,
    StatusFlags,
    encode_advertisement,
    encode_raw_frame,
    encode_status,
    name_for_address,
)
from spineball.virtual.battery import Battery
from spineball.virtual.bonds import (
    PAIRING_WINDOW_AT_BOOT_S,
    PAIRING_WINDOW_BUTTON_S,
    BondStore,
    PairingWindow,
    WindowedPairingDelegate,
)
from spineball.virtual.calibration import CalibrationStore
from spineball.virtual.clock import SimClock
from spineball.virtual.control import BallControlState, BuzzEvent, CommandInterpreter
from spineball.virtual.faults_state import LinkFaults
from spineball.virtual.frames_out import FrameSender, RawFrameEncoder
from spineball.virtual.gatt_profile import BallAttributes, DeviceInfo, build_profile
from spineball.virtual.radio import RadioController, RadioLink
from spineball.virtual.ring import RingSamples
from spineball.virtual.sampler import Sampler
from spineball.virtual.source import SampleSource, StillBall

logger = logging.getLogger(__name__)

DEFAULT_ADDRESS: Final = "C4:5B:1D:BA:11:01"  # static random (top bits 11), never F0:F1:…
FIRMWARE: Final = (1, 1, 0)  # BUZZ exists from 1.1 (protocol §4.1)
STATUS_PERIOD_S: Final = 5.0  # protocol §5: at least every 5 s while subscribed
HOUSEKEEPING_PERIOD_S: Final = 1.0  # battery, Environmental Sensing (≤ 1 Hz), status
ADVERTISING_INTERVAL_MS: Final = (100.0, 200.0)  # protocol §1.3
PREFERRED_MTU: Final = 247  # ble_att_set_preferred_mtu(247) on the firmware
DROP_REASON: Final = hci.HCI_CONNECTION_TIMEOUT_ERROR  # what a central sees when the radio fades
REFUSE_REASON: Final = hci.HCI_CONNECTION_REJECTED_DUE_TO_LIMITED_RESOURCES_ERROR


class VirtualBall:
    """One virtual ball. Use as ``async with VirtualBall(link, …) as ball``."""

    def __init__(
        self,
        hci_link: RadioLink | str,
        *,
        source: SampleSource | None = None,
        address: str = DEFAULT_ADDRESS,
        state_dir: Path | None = None,
        pairing_window_s: float = PAIRING_WINDOW_AT_BOOT_S,
        time_scale: float = 1.0,
        encode_raw_frame: RawFrameEncoder = encode_raw_frame,
        battery_pct: float = 100.0,
        autostart: Rate | None = None,
        seed: int = 0,
    ) -> None:
        if address.upper().startswith("F0:F1:F2:F3:F4:F5"):
            raise ValueError("F0:F1:F2:F3:F4:F5 is Bumble's own default address; pick another")
        self.address = address.upper()
        self.name = name_for_address(self.address)
        self.clock = SimClock(time_scale)
        self.sampler = Sampler(source or StillBall())
        self.battery = Battery(battery_pct)
        self.link_faults = LinkFaults(seed)
        self.window = PairingWindow(self.clock)
        self.bonds = BondStore(self.address, state_dir / "bonds.json" if state_dir else None)
        self.buzzes: list[BuzzEvent] = []
        self._state = BallControlState(
            self.clock,
            self.sampler,
            self.bonds,
            CalibrationStore(state_dir / "calibration.json" if state_dir else None),
            self.window,
            self.buzzes,
        )
        self._interpreter = CommandInterpreter(self._state, self)
        self.frames = FrameSender(
            self.sampler,
            self.clock,
            self.link_faults,
            encode_raw_frame,
            self._send_samples,
            self._status_maybe_changed,
        )
        self._hci = hci_link
        self._pairing_window_s = pairing_window_s
        self._autostart = autostart
        self._rng = random.Random(f"{self.address}/{seed}")
        self.run_id = self._rng.randrange(1 << 16)
        self._transport: Transport | None = None
        self._controller: RadioController | None = None
        self.device: Device | None = None
        self.attributes: BallAttributes | None = None
        self.connection: Connection | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._commands: asyncio.Queue[tuple[Connection, bytes]] = asyncio.Queue()
        self._wake: asyncio.Future[None] | None = None
        self._sent_status: tuple[int, int, int, int] | None = None
        self._last_status_at = 0.0
        self._last_battery_pct = self.battery.percent
        self._injected_errors = ErrorFlags(0)
        self._stopping = False
        self._advertising_plan: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Power on: bring up the stack, open the pairing window if unbonded, advertise."""
        self.clock.restart()
        self.device = await self._power_on()
        if not self.bonds.names() and self._pairing_window_s > 0:
            self.window.open(self._pairing_window_s)
        if self._autostart is not None:
            self.sampler.start(self._autostart, self.clock.now())
        for loop_fn in (self._sampling_loop, self._housekeeping_loop, self._command_loop):
            self._spawn(loop_fn())
        await self._advertise()
        logger.info("virtual ball %s (%s) advertising", self.name, self.address)

    async def _power_on(self) -> Device:
        if isinstance(self._hci, RadioLink):
            public = "00" + self.address[2:]
            self._controller = RadioController(f"ball-{self.name}", self._hci, public)
            source: Any = self._controller
            sink: Any = AsyncPipeSink(self._controller)
        else:
            self._transport = await open_transport(self._hci)
            source, sink = self._transport.source, self._transport.sink
        config = DeviceConfiguration(
            name=self.name,
            address=hci.Address(self.address, hci.Address.RANDOM_DEVICE_ADDRESS),
            irk=hashlib.sha256(f"irk/{self.address}".encode()).digest()[:16],
            identity_address_type=hci.Address.RANDOM_DEVICE_ADDRESS,
            advertising_interval_min=ADVERTISING_INTERVAL_MS[0],
            advertising_interval_max=ADVERTISING_INTERVAL_MS[1],
            advertising_data=encode_advertisement(self.name),
            scan_response_data=b"",
        )
        device = Device(config=config, host=Host(source, sink))
        device.keystore = self.bonds
        device.gatt_server.max_mtu = PREFERRED_MTU
        device.pairing_config_factory = self._pairing_config
        self.attributes = build_profile(
            device.gatt_server,
            DeviceInfo(
                manufacturer="SpineBall",
                model="SB-1V",
                serial=self.address.replace(":", ""),
                hardware="virtual",
                firmware=".".join(map(str, FIRMWARE)),
            ),
            control_write=self._on_control_write,
            status_read=lambda _c: encode_status(self.status()),
            battery_read=lambda _c: bytes([self.battery.percent]),
            pressure_read=self._read_pressure,
            temperature_read=self._read_temperature,
        )
        device.on(Device.EVENT_CONNECTION, self._on_connection)
        device.on("characteristic_subscription", self._on_subscription)
        await device.power_on()
        return device

    def _pairing_config(self, _connection: Connection) -> PairingConfig:
        return PairingConfig(
            sc=True,
            mitm=False,  # Just Works: the ball has no display or keyboard
            bonding=True,
            delegate=WindowedPairingDelegate(self.window),
            identity_address_type=PairingConfig.AddressType.RANDOM,
        )

    async def stop(self) -> None:
        """Power off: drop the link, stop advertising, release the controller."""
        self._stopping = True
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.frames.aclose()
        device = self.device
        if device is not None:
            with contextlib.suppress(Exception):
                if self.connection is not None:
                    await self.connection.disconnect()
                await device.stop_advertising()
                await device.power_off()
        if self._controller is not None and isinstance(self._hci, RadioLink):
            with contextlib.suppress(KeyError):
                self._hci.remove_controller(self._controller)
        if self._transport is not None:
            await self._transport.close()

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # ---------------------------------------------------------------- public API

    @property
    def connected(self) -> bool:
        return self.connection is not None

    @property
    def pairing_window_open(self) -> bool:
        return self.window.is_open

    def open_pairing_window(self, seconds: float = PAIRING_WINDOW_BUTTON_S) -> None:
        """What holding the ball's button for 3 s does (protocol §2)."""
        self.window.open(seconds)
        self._status_maybe_changed()

    @property
    def identifying(self) -> bool:
        return self.clock.now() < self._state.identify_until

    def sample_time(self, index: int) -> float:
        """Simulated time (s since power-on) at which sample ``index`` of this run was taken."""
        ring = self.sampler.ring
        if ring.oldest_index <= index < ring.next_index:
            return float(ring.slice(index, index + 1)["t_s"][0])
        return self.sampler.time_of(index)

    def samples(self, first: int, end: int) -> RingSamples:
        """Quantised samples ``first … end-1`` still in the ring buffer (ground truth)."""
        return self.sampler.ring.slice(first, end)

    def set_injected_errors(self, errors: ErrorFlags) -> None:
        """Sensor faults: status error bits, and PRESSURE_SENSOR invalidates pressure readings."""
        self._injected_errors = errors
        self.sampler.injected_errors = errors
        self._status_maybe_changed()

    def set_battery(self, percent: float) -> None:
        self.battery.set_level(percent)
        self._battery_maybe_changed()

    async def disconnect(self, reason: int = DROP_REASON) -> None:
        connection = self.connection
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.disconnect(reason=reason)

    def status(self) -> Status:
        now = self.clock.now()
        self.sampler.generate_until(now)
        ring = self.sampler.ring
        flags = StatusFlags(0)
        if self.sampler.streaming:
            flags |= StatusFlags.STREAMING
        if self.frames.backfill_running():
            flags |= StatusFlags.BACKFILLING
        if self.window.is_open:
            flags |= StatusFlags.PAIRING_OPEN
        if self.bonds.names():
            flags |= StatusFlags.HAS_BONDS
        if self.battery.low:
            flags |= StatusFlags.LOW_BATTERY
        errors = self.sampler.errors
        if self.battery.critical:
            errors |= ErrorFlags.BATTERY_CRITICAL
        return Status(
            version=1,
            flags=flags,
            battery_pct=self.battery.percent,
            rate=self.sampler.rate,
            errors=errors,
            oldest_index=ring.oldest_index & 0xFFFFFFFF,
            next_index=ring.next_index & 0xFFFFFFFF,
            run_id=self.run_id,
            fw_major=FIRMWARE[0],
            fw_minor=FIRMWARE[1],
            fw_patch=FIRMWARE[2],
            pairing_left_s=min(255, self.window.remaining_s),
        )

    # ---------------------------------------------------------------- advertising

    async def _advertise(self) -> None:
        assert self.device is not None
        await self.device.start_advertising(auto_restart=False)

    def hold_reconnects(self) -> None:
        """Re-plan advertising after the reconnect fault changed (or on a disconnect)."""
        if self._advertising_plan is not None:
            self._advertising_plan.cancel()
        if not self._stopping and self.connection is None:
            self._advertising_plan = self._spawn(self._advertise_when_allowed())

    async def _advertise_when_allowed(self) -> None:
        """Advertise, unless reconnects are being ignored: then stay silent until then."""
        assert self.device is not None
        faults = self.link_faults
        if faults.holding(self.clock.now()) and faults.hold_mode == "ignore":
            await self.device.stop_advertising()
            await self.clock.sleep_until(faults.hold_until)
        if not self._stopping and self.connection is None:
            await self._advertise()

    # ---------------------------------------------------------------- connections

    def _on_connection(self, connection: Connection) -> None:
        if self.link_faults.holding(self.clock.now()) and self.link_faults.hold_mode == "refuse":
            self._spawn(connection.disconnect(reason=REFUSE_REASON))
            return
        self.connection = connection
        connection.on(Connection.EVENT_DISCONNECTION, self._on_disconnection)
        connection.on(Connection.EVENT_PAIRING, lambda _keys: self._on_paired())
        connection.on(
            Connection.EVENT_PAIRING_FAILURE, lambda _reason: _forget_smp_session(connection)
        )
        connection.on(
            Connection.EVENT_CONNECTION_ENCRYPTION_CHANGE, lambda: self._on_encrypted(connection)
        )
        connection.on(Connection.EVENT_CONNECTION_ATT_MTU_UPDATE, self._on_mtu)
        logger.info("%s: central %s connected", self.name, connection.peer_address)

    def _on_disconnection(self, reason: int) -> None:
        logger.info("%s: disconnected (reason 0x%02X)", self.name, reason)
        self.connection = None
        self.frames.unsubscribe()
        self.hold_reconnects()

    def _on_paired(self) -> None:
        self.window.close()  # protocol §2: the window closes when a pairing completes
        self._status_maybe_changed()

    def _on_encrypted(self, connection: Connection) -> None:
        if connection.is_encrypted:
            self.bonds.touch(str(connection.peer_address))

    def _on_mtu(self, *_args: object) -> None:
        if self.connection is not None:
            self.frames.mtu = self.connection.att_mtu

    def _on_subscription(
        self,
        connection: Connection,
        characteristic: Characteristic[bytes],
        notify: bool,
        _indicate: bool,
    ) -> None:
        if self.attributes is None or connection is not self.connection:
            return
        if characteristic is self.attributes.samples:
            if notify:
                self.frames.subscribe(connection.att_mtu)
            else:
                self.frames.unsubscribe()
            self._wake_sampler()
        elif characteristic is self.attributes.status and notify:
            self._notify_status()

    # ------------------------------------------------------------- notifications

    def _notify(self, characteristic: Characteristic[bytes], value: bytes) -> None:
        connection = self.connection
        if connection is None or self.device is None:
            return
        cccd = self.device.gatt_server.subscribers.get(connection, {}).get(characteristic.handle)
        if not cccd or not cccd[0] & 0x01:
            return
        pdu = ATT_Handle_Value_Notification(
            attribute_handle=characteristic.handle, attribute_value=value
        )
        self.device.gatt_server.send_gatt_pdu(connection, bytes(pdu))

    def _send_samples(self, frame: bytes) -> None:
        assert self.attributes is not None
        self._notify(self.attributes.samples, frame)

    def _status_key(self, status: Status) -> tuple[int, int, int, int]:
        return int(status.flags), int(status.errors), int(status.rate), status.battery_pct

    def _notify_status(self) -> None:
        assert self.attributes is not None
        status = self.status()
        self._sent_status = self._status_key(status)
        self._last_status_at = self.clock.now()
        self._notify(self.attributes.status, encode_status(status))

    def _status_maybe_changed(self) -> None:
        if self.attributes is not None and self._status_key(self.status()) != self._sent_status:
            self._notify_status()

    def _battery_maybe_changed(self) -> None:
        percent = self.battery.percent
        if percent != self._last_battery_pct and self.attributes is not None:
            self._last_battery_pct = percent
            self._notify(self.attributes.battery_level, bytes([percent]))
        self._status_maybe_changed()

    # --------------------------------------------------- environmental sensing

    def _read_pressure(self, _connection: object) -> bytes:
        pressure, _ = self.sampler.read_now(self.clock.now())
        if math.isnan(pressure):
            raise ATT_Error(ATT_UNLIKELY_ERROR_ERROR)  # no valid reading to report
        return struct.pack("<I", round(pressure * 10.0))  # GATT Pressure: 0.1 Pa

    def _read_temperature(self, _connection: object) -> bytes:
        _, temperature = self.sampler.read_now(self.clock.now())
        raw = -0x8000 if math.isnan(temperature) else round(temperature * 100.0)
        return struct.pack("<h", raw)  # GATT Temperature: 0.01 °C, 0x8000 = unknown

    # ------------------------------------------------------------------- control

    def _on_control_write(self, connection: object, value: bytes) -> None:
        if len(value) < 2:  # protocol §4: refused at ATT level, no response
            raise ATT_Error(0x0D)  # Invalid Attribute Value Length
        assert isinstance(connection, Connection)
        self._commands.put_nowait((connection, bytes(value)))

    async def _command_loop(self) -> None:
        while True:
            connection, data = await self._commands.get()
            response = await self._interpreter.execute(data)
            if connection is self.connection and self.attributes is not None:
                self._notify(self.attributes.control, response)
            self._wake_sampler()
            self._status_maybe_changed()

    # BallHooks (called by the command interpreter)

    def flush_live(self) -> None:
        self.frames.flush(self.clock.now(), force=True)

    def backfill_running(self) -> bool:
        return self.frames.backfill_running()

    def begin_backfill(self, block: RingSamples) -> None:
        self.frames.begin_backfill(block)

    def new_run(self) -> None:
        self.run_id = (self.run_id + 1 + self._rng.randrange((1 << 16) - 1)) & 0xFFFF
        self.frames.new_run()

    def disconnect_after(self, sim_seconds: float) -> None:
        async def later() -> None:
            await self.clock.sleep(sim_seconds)
            await self.disconnect(hci.HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR)

        self._spawn(later())

    # ------------------------------------------------------------------- loops

    def _wake_sampler(self) -> None:
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)

    async def _sleep_until(self, sim_t: float) -> None:
        loop = asyncio.get_running_loop()
        self._wake = loop.create_future()
        delay = max(0.0, self.clock.monotonic_at(sim_t) - time.monotonic())
        handle = loop.call_later(delay, self._wake_sampler)
        try:
            await self._wake
        finally:
            handle.cancel()

    async def _sampling_loop(self) -> None:
        while True:
            now = self.clock.now()
            if not self.sampler.streaming:
                await self._sleep_until(now + 3600.0)  # until a command wakes it
                continue
            self.sampler.generate_until(now)
            self.frames.flush(now)
            await self._sleep_until(self.frames.next_wake(now))

    async def _housekeeping_loop(self) -> None:
        assert self.attributes is not None
        attrs = self.attributes
        previous = self.clock.now()
        while True:
            status_due = self._last_status_at + STATUS_PERIOD_S
            await self.clock.sleep_until(min(previous + HOUSEKEEPING_PERIOD_S, status_due))
            now = self.clock.now()
            if now >= status_due - 1e-6:
                self._notify_status()
            if now < previous + HOUSEKEEPING_PERIOD_S - 1e-6:
                continue
            self.battery.drain(now - previous, streaming=self.sampler.streaming)
            previous = now
            self._battery_maybe_changed()
            if self.connection is not None and self.connection.is_encrypted:
                with contextlib.suppress(ATT_Error):
                    self._notify(attrs.pressure, self._read_pressure(None))
                self._notify(attrs.temperature, self._read_temperature(None))


def _forget_smp_session(connection: Connection) -> None:
    """Let the central try again on the same link after a refused pairing.

    Bumble keeps a failed SMP session until the link drops and would feed a
    second Pairing Request to it; the firmware (NimBLE) starts afresh.
    """
    connection.device.smp_manager.sessions.pop(connection.handle, None)
