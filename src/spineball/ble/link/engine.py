"""The link engine: keep one ball streaming into a SampleStream, whatever the radio does.

:class:`BallLink` owns the connection to one ball for one session:

1. find the ball (scan), connect with a fresh ``BleakClient``, pair if this
   computer has no bond and the ball's pairing window is open;
2. on the first connection ``START`` the ball (index 0, heading reset);
3. read Status and feed it to the stream **before** this connection's
   frames (a new ``run_id`` tells the stream the ball restarted), subscribe
   Status and Samples;
4. ask ``BACKFILL(next_needed_index, 0)`` and feed the answer (``OK`` or
   ``PARTIAL``) to the stream, so a drop shorter than the ball's ring buffer
   loses nothing and a longer one is recorded as a gap of its exact span;
5. while connected, ask backfill for any hole (lost notifications), and
   watch for silence (Status comes at least every 5 s, protocol §5);
6. on link loss, back off (exponential, jitter) and go to 1.

:meth:`BallLink.stop` sends ``STOP`` and finishes the stream with the ball's
``next_index``, so samples never received become a gap too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Final

from bleak.exc import BleakError

from spineball.ble.link.backend import BleBackend
from spineball.ble.link.backoff import Backoff
from spineball.ble.link.connection import BallConnection, BallIdentity
from spineball.ble.link.errors import (
    BallNotFoundError,
    LinkError,
    LinkLostError,
    NotPairedError,
    PairingWindowClosedError,
    describe,
)
from spineball.ble.link.pairing import pair_connected
from spineball.ble.link.scan import find
from spineball.protocol import (
    Backfill,
    BackfillPayload,
    Buzz,
    Command,
    FrameFlags,
    ProtocolError,
    Rate,
    Response,
    Result,
    Start,
    Status,
    StatusFlags,
    Stop,
    StopPayload,
    decode_status,
)
from spineball.session.api import LinkPhase, LinkState
from spineball.stream import SampleStream

log = logging.getLogger("spineball.ble")

STALL_TIMEOUT_S: Final = 12.0  # Status arrives at least every 5 s (protocol §5): 2 missed
WATCH_PERIOD_S: Final = 0.1
HOLE_GRACE_S: Final = 0.1  # a hole this old is not a frame still on its way
BACKFILL_MAX_COUNT: Final = 0xFFFF  # u16 max_count (protocol §4.1)
BACKFILL_TRIES: Final = 4  # asks for one hole before recording it as a gap
BACKFILL_SAMPLES_PER_S: Final = 2_000.0  # a generous floor for a backfill's airtime
BACKFILL_QUIET_S: Final = 1.0  # a backfill with no frame for this long has stalled
FIRST_CONNECT_TRIES: Final = 3  # transient connect errors on the first connection
STOP_DRAIN_S: Final = 5.0  # at the end, wait this long to reconnect and fill holes

Say = Callable[[str], None]
FINAL_ERRORS: Final = (BallNotFoundError, NotPairedError, PairingWindowClosedError)


class BallLink:
    def __init__(
        self,
        backend: BleBackend,
        stream: SampleStream,
        *,
        ball: str | None = None,
        rate: Rate = Rate.HZ_100,
        auto_pair: bool = True,
        backoff: Backoff | None = None,
        stall_timeout_s: float = STALL_TIMEOUT_S,
        say: Say = lambda _m: None,
    ) -> None:
        self.backend = backend
        self.stream = stream
        self.selector = ball
        self.rate = rate
        self.auto_pair = auto_pair
        self.backoff = backoff or Backoff()
        self.stall_timeout_s = stall_timeout_s
        self._say = say
        self.phase: LinkPhase = "idle"
        self.identity: BallIdentity | None = None
        self.status: Status | None = None
        self.rssi_dbm: int | None = None
        self.reconnects = 0
        self.error: str | None = None
        self.bad_status = 0
        self._connection: BallConnection | None = None
        self._streaming = False
        self._started = False
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._first: asyncio.Future[None] | None = None
        self._last_rx = time.monotonic()
        self._backfill_end = asyncio.Event()
        self._inflight_until: float | None = None
        self._catching_up = False
        self._tries: dict[int, int] = {}

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start connecting in the background (see :meth:`wait_connected`)."""
        if self._task is None:
            self._first = asyncio.get_running_loop().create_future()
            self._task = asyncio.create_task(self._run(), name="ball-link")

    async def wait_connected(self) -> None:
        """Until the first connection streams; raises its LinkError if it failed."""
        self.start()
        assert self._first is not None
        await asyncio.shield(self._first)

    @property
    def stopping(self) -> bool:
        return self._stopping

    @property
    def connected(self) -> bool:
        return self._streaming

    async def stop(self, *, drain_s: float = STOP_DRAIN_S) -> int | None:
        """End of session: fill what holes can be filled, STOP the ball, finish the stream.

        Ended during an outage, it first waits (within ``drain_s``) for the link to
        come back, so the samples the ball kept are not given up.

        Returns the ball's ``next_index`` from STOP (None if it was out of reach).
        """
        self._resolve_first(LinkLostError("stopped before the ball was connected"))
        deadline = time.monotonic() + drain_s
        if self._started and not self._streaming:
            # Ended during an outage: the ball still holds what we missed; give it a moment.
            self._say("waiting for the ball to reconnect to fetch the last samples…")
            await self._reconnected(deadline)
        if self._streaming:
            await self._drain(deadline)  # the watcher keeps filling holes meanwhile
        self._stopping = True
        end_index: int | None = None
        connection = self._connection if self._streaming else None
        if connection is not None:
            try:
                response = await connection.control.checked(Stop())
                if isinstance(response.payload, StopPayload):
                    end_index = response.payload.next_index
            except LinkError as err:
                log.info("STOP not delivered: %s", err)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, LinkError):
                await self._task
        if self._connection is not None:
            await self._connection.close()
            self._connection = None
        self._streaming = False
        self.stream.finish(end_index)
        if self.phase != "failed":
            self.phase = "stopped"
        return end_index

    async def _reconnected(self, deadline: float) -> None:
        task = self._task
        while not self._streaming and time.monotonic() < deadline:
            if task is None or task.done():
                return
            await asyncio.sleep(WATCH_PERIOD_S)

    async def _drain(self, deadline: float) -> None:
        while self._streaming and time.monotonic() < deadline:
            busy = self._catching_up or self._inflight_until is not None
            if not busy and not self.stream.pending_holes():
                return
            await asyncio.sleep(WATCH_PERIOD_S)

    # ------------------------------------------------------------------ state

    def state(self) -> LinkState:
        health = self.stream.health()
        status = self.status
        battery = status.battery_pct if status is not None and status.battery_known else None
        identity = self.identity
        rate_hz = float(self.rate.hz)
        return LinkState(
            phase=self.phase,
            address=identity.address if identity else None,
            name=identity.name if identity else None,
            rssi_dbm=self.rssi_dbm,
            battery_pct=battery,
            loss_pct=health.loss_pct,
            reconnects=self.reconnects,
            backfill_pending=health.pending,
            gaps_s=health.lost / rate_hz,
            malformed_frames=health.malformed,
            error=self.error,
        )

    # ------------------------------------------------------------------ commands

    async def command(self, command: Command) -> Response:
        """Send a Control command on the current connection (LinkLostError if none)."""
        connection = self._connection
        if connection is None or not self._streaming:
            raise LinkLostError("the ball is not connected")
        return await connection.control.request(command)

    async def buzz(self, pattern: int, repetitions: int = 1) -> bool:
        """Buzz the ball (firmware ≥ 1.1); False if not connected or not supported."""
        try:
            response = await self.command(Buzz(pattern, repetitions))
        except LinkError as err:
            log.info("buzz not delivered: %s", err)
            return False
        if response.result is Result.UNKNOWN_OPCODE:
            log.info("this ball's firmware cannot buzz (BUZZ needs firmware 1.1)")
        return response.result is Result.OK

    # ------------------------------------------------------------------ the loop

    async def _run(self) -> None:
        attempt = 0
        first_failures = 0
        while not self._stopping:
            try:
                await self._connect_and_stream()
                attempt = 0
            except (LinkError, BleakError, OSError, TimeoutError, EOFError) as caught:
                err = caught if isinstance(caught, LinkError) else LinkError(describe(caught))
                self.error = str(err)
                if not self._started:
                    first_failures += 1
                    if isinstance(err, FINAL_ERRORS) or first_failures >= FIRST_CONNECT_TRIES:
                        self.phase = "failed"
                        self._resolve_first(err)
                        return
                log.info("link: %s", err)
            if self.stopping:
                return
            self.phase = "reconnecting" if self._started else "scanning"
            await asyncio.sleep(self.backoff.delay(attempt))
            attempt += 1

    def _resolve_first(self, error: LinkError | None) -> None:
        if self._first is not None and not self._first.done():
            if error is None:
                self._first.set_result(None)
            else:
                self._first.set_exception(error)
                self._first.exception()  # retrieved here too: nobody may be waiting

    async def _connect_and_stream(self) -> None:
        self.phase = "scanning"
        target = self.identity.address if self.identity else self.selector
        window = self.backend.reconnect_scan_s if self._started else None
        sighting = await find(self.backend, target, window)
        self.rssi_dbm = sighting.rssi_dbm
        self.phase = "connecting"
        dropped = asyncio.Event()
        connection = BallConnection(self.backend, sighting.device, on_disconnect=dropped.set)
        self._connection = connection
        try:
            await connection.connect()
            await self._prepare(connection)
            self._last_rx = time.monotonic()
            self._streaming = True
            self.phase = "streaming"
            self.error = None
            if self._started:
                self.reconnects += 1
            self._started = True
            self._resolve_first(None)
            self._catching_up = True
            try:
                await self._catch_up(connection)
            finally:
                self._catching_up = False
            await self._watch(connection, dropped)
        finally:
            self._streaming = False
            connection.control.fail_all("the link dropped")
            if not self._stopping:
                self._connection = None
                await connection.close()

    async def _prepare(self, connection: BallConnection) -> None:
        """Pair if need be, START on the first connection, Status first, then subscribe."""
        if not self._started:
            if self.auto_pair:
                self.phase = "pairing"
                if not await pair_connected(connection, say=self._say):
                    self._say(f"paired with {connection.name}")
            else:
                await connection.subscribe_control()  # NotPairedError says what to do
            self.identity = await connection.read_identity()
        else:
            await connection.subscribe_control()
        status = await connection.read_status()
        if not self._started or not status.flags & StatusFlags.STREAMING:
            await connection.control.checked(Start(int(self.rate)))
            status = await connection.read_status()
        self.status = status
        self.stream.feed_status(status)  # before any frame of this connection
        await connection.subscribe_status(self._on_status)
        await connection.subscribe_samples(self._on_samples)

    # ------------------------------------------------------------------ notifications

    def _on_samples(self, data: bytearray) -> None:
        self._last_rx = time.monotonic()
        self.stream.feed_notification(data)
        if len(data) > 1 and data[1] & FrameFlags.BACKFILL:
            if data[1] & FrameFlags.BACKFILL_END:
                self._backfill_end.set()
            elif self._inflight_until is not None:
                # Still coming: a long backfill on a busy link takes as long as it takes.
                self._inflight_until = max(self._inflight_until, self._last_rx + BACKFILL_QUIET_S)

    def _on_status(self, data: bytearray) -> None:
        self._last_rx = time.monotonic()
        try:
            status = decode_status(data)
        except ProtocolError as err:
            self.bad_status += 1
            log.warning("unreadable status notification %s: %s", bytes(data).hex(), err)
            return
        self.status = status
        self.stream.feed_status(status)

    # ------------------------------------------------------------------ backfill

    async def _catch_up(self, connection: BallConnection) -> None:
        """After (re)connecting: everything since the last sample we have (protocol §6)."""
        from_index = self.stream.next_needed_index()
        if from_index is not None:
            await self._backfill(connection, from_index, 0)

    async def _backfill(self, connection: BallConnection, from_index: int, count: int) -> None:
        self._backfill_end.clear()
        response = await connection.control.request(Backfill(from_index, count))
        if response.result in (Result.OK, Result.PARTIAL):
            self.stream.feed_backfill_response(from_index, response)
            payload = response.payload
            coming = payload.count if isinstance(payload, BackfillPayload) else 0
            if coming:
                airtime = max(2.0, coming / BACKFILL_SAMPLES_PER_S)
                self._inflight_until = time.monotonic() + airtime
            if response.result is Result.PARTIAL:
                log.info("backfill from %d: the ball no longer has all of it", from_index)
        elif response.result is Result.BUSY:
            self._inflight_until = time.monotonic() + 1.0  # its running backfill first
        else:
            log.warning("BACKFILL from %d answered %s", from_index, response.result.name)

    async def _watch(self, connection: BallConnection, dropped: asyncio.Event) -> None:
        """Until the link drops: fill holes, notice silence."""
        while not dropped.is_set() and not self._stopping:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(WATCH_PERIOD_S):
                    await dropped.wait()
            if dropped.is_set() or self._stopping:
                return
            now = time.monotonic()
            if now - self._last_rx > self.stall_timeout_s:
                log.warning("no data from the ball for %.0f s: reconnecting", self.stall_timeout_s)
                self.error = "the ball went silent; reconnecting"
                return
            if self._inflight_until is not None:
                if self._backfill_end.is_set() or now > self._inflight_until:
                    self._inflight_until = None
                else:
                    continue
            await self._fill_holes(connection, now)

    async def _fill_holes(self, connection: BallConnection, now: float) -> None:
        holes = [h for h in self.stream.pending_holes() if now - h.since >= HOLE_GRACE_S]
        if not holes:
            self._tries.clear()
            return
        hole = holes[0]
        tries = self._tries.get(hole.first_index, 0) + 1
        self._tries = {hole.first_index: tries}
        if tries > BACKFILL_TRIES:
            log.warning("samples %d… never came back: recorded as a gap", hole.first_index)
            self.stream.give_up()
            self._tries.clear()
            return
        await self._backfill(connection, hole.device_first_index, min(hole.count, 0xFFFF))
