"""The recorder: one live session from the ball to the store, the analysis and every client.

::

    link ──▶ SampleStream ──┬──▶ store Recorder (lossless; commits ≤ 0.5 s apart)
                            └──▶ LiveAnalyzer(orientation="device") + plot trace
                                     │ 10 Hz
                                     ├──▶ clients (SessionUpdate; socket or in-process)
                                     ├──▶ live consumers (the cue hook)
                                     └──▶ MQTT (BallState ≤ 2 Hz, alerts, summary at the end)

The recorder applies the user's inputs (and records each as an event),
ends the session on a nerve symptom, runs the inflation assistant, stores
the heading the live analysis found (so exports match what was seen live)
and, at the end, STOPs the ball, commits, marks the session finished and
hands MQTT the summary. Nothing a client does can block it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Final, Literal, Protocol

from spineball.analysis import LiveAnalyzer, inflation_guide
from spineball.analysis.advice import InflationGuide
from spineball.analysis.advice import PastSession as PastSessionLike
from spineball.ble.link import BallIdentity, CommandError, LinkError
from spineball.cues import BuzzUnsupportedError
from spineball.export.stored import HEADING_KEY, heading_json
from spineball.mqtt import MqttSettings, Publisher
from spineball.protocol import Buzz, Command, Response, Result
from spineball.samples import Gap, SampleBlock
from spineball.session import mqtt_bridge
from spineball.session.api import (
    CueNote,
    EndSession,
    LinkState,
    Pause,
    RecorderState,
    ReportSymptom,
    Resume,
    SessionUpdate,
    SetCalibration,
    StartInflation,
    StopInflation,
    UserInput,
)
from spineball.session.clients import ClientHub, LocalClient
from spineball.session.history import PastSession, load_history, save_entry
from spineball.session.hooks import LiveConsumer
from spineball.session.inputs import contract_event, events_for
from spineball.session.trace import TraceBuffer
from spineball.sessionfile import CalibrationPoint, SessionMeta
from spineball.store import Database, DeviceInfo, Recorder, StoredEvent, StoreError, record_stream
from spineball.stream import SampleStream, StreamItem, Subscription

log = logging.getLogger("spineball.session")

UPDATE_HZ: Final = 10.0  # architecture: dashboards redraw at 10–20 fps
MAX_CUES: Final = 20
LOW_BATTERY_PCT: Final = 15
LINK_LOST_ALERT_S: Final = 10.0  # a reconnect longer than this is worth an alert
HISTORY_WAIT_S: Final = 10.0  # at the end, how long the advice waits for earlier sessions


class LinkSource(Protocol):
    """What the recorder needs from the link engine (:class:`spineball.ble.link.BallLink`)."""

    stream: SampleStream
    identity: BallIdentity | None

    def start(self) -> None: ...
    async def wait_connected(self) -> None: ...
    def state(self) -> LinkState: ...
    async def command(self, command: Command) -> Response: ...
    async def stop(self) -> int | None: ...


class _HeldEnd:
    """A subscription whose end is held back until the recorder has written its last words."""

    def __init__(self, sub: Subscription[StreamItem]) -> None:
        self._sub = sub
        self._ended = False
        self.release = asyncio.Event()

    async def get(self) -> StreamItem | None:
        if not self._ended:
            item = await self._sub.get()
            if item is not None:
                return item
            self._ended = True
        await self.release.wait()
        return None


class SessionRecorder:
    def __init__(
        self,
        link: LinkSource,
        db: Database,
        meta: SessionMeta,
        *,
        source: Literal["ble", "virtual"] = "ble",
        history: Sequence[PastSessionLike] = (),
        mqtt: MqttSettings | None = None,
        ball_id: str | None = None,
        room: str = "",
        person: str = "",
        update_hz: float = UPDATE_HZ,
    ) -> None:
        self.link = link
        self.stream = link.stream
        self.db = db
        self.meta = meta
        self.source = source
        self.history: list[PastSessionLike] = list(history)
        self.mqtt_settings = mqtt
        self.ball_id = ball_id
        self.room = room
        self.person = person
        self.update_period_s = 1.0 / update_hz
        #: the cue hook: called with every update (see spineball.session.hooks)
        self.live_consumers: list[LiveConsumer] = []
        #: called with every user input after it is recorded (e.g. the cues' settings)
        self.input_consumers: list[Callable[[UserInput], None]] = []
        self.state: RecorderState = "waiting"
        self.session_id: int | None = None
        self.started_at: float | None = None
        self.result: dict[str, Any] | None = None
        self.store_error: str | None = None
        self.hub = ClientHub()
        self.live = LiveAnalyzer(meta, self.history, orientation="device")
        self.trace = TraceBuffer(meta.ball)
        self._store_sub = self.stream.subscribe("store")
        self._analysis_sub = self.stream.subscribe("analysis")
        self._store: Recorder | None = None
        self._early_events: list[StoredEvent] = []
        self._cues: deque[CueNote] = deque(maxlen=MAX_CUES)
        self._inflation_target: float | None = None
        self._end = asyncio.Event()
        #: set once the session exists in the store and samples are being recorded
        self.recording = asyncio.Event()
        self._seq = 0
        self._publisher: Publisher | None = None
        self._alerted: set[str] = set()
        self._heading_saved: object = None
        self._outage_since: float | None = None
        self._device_id: int | None = None

    # ------------------------------------------------------------------ public API

    def attach(self) -> LocalClient:
        """An in-process client (the same updates and inputs as over the socket)."""
        return LocalClient(self.hub, self.apply)

    async def send_buzz(self, buzz: Buzz) -> None:
        """The BUZZ sender (``spineball.cues.BuzzSender``): write the protocol's Buzz
        command through the link and wait for the ball's answer.

        Raises BuzzUnsupportedError for a ball without a buzz motor (firmware before
        1.1), LinkError when the ball is not connected or refuses the command.
        """
        response = await self.link.command(buzz)
        if response.result is Result.UNKNOWN_OPCODE:
            raise BuzzUnsupportedError("the ball's firmware (before 1.1) cannot buzz")
        if response.result is not Result.OK:
            raise CommandError(f"the ball refused BUZZ: {response.result.name}")

    def note_cue(self, cue: CueNote) -> None:
        """Show a cue that was given in the clients' cue list (newest last)."""
        self._cues.append(cue)

    def end(self) -> None:
        """Finish the session (Ctrl-C, SIGTERM, the End input)."""
        self._end.set()

    @property
    def ended(self) -> bool:
        return self._end.is_set()

    async def apply(self, message: UserInput) -> None:
        """One user input: record it as event(s), then act on it."""
        if self.state == "ended":
            raise ConnectionError("the session has ended")
        t_s = self.stream.session_time()
        try:
            events = events_for(message, t_s, gauge_kpa=self.trace.latest_gauge_kpa)
        except ValueError as err:
            log.warning("input %s ignored: %s", type(message).__name__, err)
            return
        for event in events:
            self._record_event(event)
            contract = contract_event(event)
            if contract is not None and event.kind != "symptom":
                self.live.add_event(contract)
        for consumer in list(self.input_consumers):
            try:
                consumer(message)
            except Exception:
                log.exception("input consumer %r failed; it is removed", consumer)
                self.input_consumers.remove(consumer)
        if isinstance(message, ReportSymptom):
            self.live.report_symptom(t_s, message.symptom)
            self._alert("symptom_stop", t_s)
            self.end()
        elif isinstance(message, Pause) and self.state == "recording":
            self.state = "paused"
        elif isinstance(message, Resume) and self.state == "paused":
            self.state = "recording"
        elif isinstance(message, EndSession):
            self.end()
        elif isinstance(message, StartInflation):
            advised = self.meta.ball.rest_gauge_kpa + self.live.snapshot().advice.delta_kpa
            self._inflation_target = advised if message.target_kpa is None else message.target_kpa
        elif isinstance(message, StopInflation):
            self._inflation_target = None
        elif isinstance(message, SetCalibration):
            self._save_calibration(message.points)

    # ------------------------------------------------------------------ the session

    async def run(self) -> int:
        """Connect, record until :meth:`end`, finish cleanly; returns the session id.

        Raises :class:`~spineball.ble.link.LinkError` if the ball cannot be
        reached at the start (no session is created then).
        """
        pump = asyncio.create_task(self.stream.run(), name="stream-pump")
        ticker = asyncio.create_task(self._tick(), name="session-updates")
        self.link.start()
        try:
            await self._wait_connected()
        except BaseException:
            ticker.cancel()
            await self.link.stop()
            await pump
            self.hub.end()
            raise
        async with contextlib.AsyncExitStack() as stack:
            if self.mqtt_settings is not None:
                self._publisher = await stack.enter_async_context(
                    Publisher(self.mqtt_settings, self._ball_id(), room=self.room)
                )
            store = self._start_store()
            history = asyncio.create_task(self._load_history(store.session_id), name="history")
            held = _HeldEnd(self._store_sub)
            writer = asyncio.create_task(record_stream(held, store, on_error=self._store_failed))
            analysis = asyncio.create_task(self._analyse(), name="live-analysis")
            await self._end.wait()
            self.state = "ended"
            await self.link.stop()
            await pump
            await analysis
            ticker.cancel()
            try:
                async with asyncio.timeout(HISTORY_WAIT_S):
                    await history
            except TimeoutError:
                log.warning("earlier sessions still loading: the advice goes without them")
            await self._finish(store)
            held.release.set()
            await writer
            self._publish_final()
        return store.session_id

    async def _wait_connected(self) -> None:
        waiter = asyncio.ensure_future(self.link.wait_connected())
        ender = asyncio.ensure_future(self._end.wait())
        try:
            await asyncio.wait({waiter, ender}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            ender.cancel()
        if not waiter.done():
            waiter.cancel()
            raise LinkError("the session was ended before the ball was connected")
        waiter.result()

    def _ball_id(self) -> str:
        if self.ball_id:
            return self.ball_id
        identity = self.link.identity
        name = identity.name if identity and identity.name else "spineball"
        return "".join(c if c.isalnum() or c in "-_" else "-" for c in name.lower())

    def _start_store(self) -> Recorder:
        identity = self.link.identity
        device_id = None
        meta = self.meta
        calibration_id = None
        if identity is not None:
            device_id = self.db.upsert_device(
                DeviceInfo(
                    identity.address,
                    identity.name,
                    identity.serial,
                    identity.model,
                    identity.firmware,
                )
            )
            cal = (
                None
                if meta.calibration
                else self.db.calibration_for(device_id, meta.ball.rest_gauge_kpa)
            )
            self._device_id = device_id
            if cal is not None:
                calibration_id = cal.id
                self.meta = replace(self.meta, calibration=cal.points)
                self.live = LiveAnalyzer(self.meta, self.history, orientation="device")
                self._replay_early_events()
        self.started_at = time.time()
        store = self.db.start_session(
            meta,
            device_id=device_id,
            calibration_id=calibration_id,
            source=self.source,
            started_at=self.started_at,
        )
        self._store = store
        self.session_id = store.session_id
        for event in self._early_events:
            store.add_event(event)
        self._early_events.clear()
        if self.state == "waiting":
            self.state = "recording"
        self.recording.set()
        log.info("recording session %d", store.session_id)
        return store

    def _replay_early_events(self) -> None:
        for event in self._early_events:
            contract = contract_event(event)
            if contract is not None:
                self.live.add_event(contract)

    async def _analyse(self) -> None:
        async for item in self._analysis_sub:
            if isinstance(item, Gap):
                continue
            assert isinstance(item, SampleBlock)
            self.live.feed(item.samples)
            self.trace.add(item.samples)

    async def _load_history(self, session_id: int) -> None:
        """Earlier sessions for today's plan and the advice (read beside the recording)."""
        try:
            entries, computed = await asyncio.to_thread(load_history, self.db.path, session_id)
        except (StoreError, OSError) as err:
            log.warning("earlier sessions not available: %s", err)
            return
        self.history = list(entries)
        self.live.set_history(entries)
        for sid, entry in computed.items():
            save_entry(self.db, sid, entry)

    async def _finish(self, store: Recorder) -> None:
        """The session's final analysis, heading and advice, while the store is still open."""
        try:
            self.result = await asyncio.to_thread(self.live.result)
        except Exception as err:  # the recording is safe; the summary says what is known
            log.exception("the session's final analysis failed")
            self.result = self._fallback_result(f"the final analysis failed: {err}")
        self._save_heading(store.session_id)
        if self.live.analysis is not None:
            save_entry(self.db, store.session_id, PastSession.of(self.live.analysis))
        advice = self.result.get("advice")
        if advice:
            t_s = float(self.result.get("session", {}).get("duration_s", 0.0))
            store.add_event(
                StoredEvent(
                    t_s,
                    "advice",
                    data={k: advice[k] for k in ("action", "delta_kpa", "reason") if k in advice},
                )
            )
        if self._publisher is not None and self.started_at is not None:
            self._publisher.summary(
                mqtt_bridge.session_summary(
                    self.result,
                    ball_id=self._ball_id(),
                    started_unix_s=self.started_at,
                    room=self.room,
                    person=self.person,
                )
            )

    def _fallback_result(self, warning: str) -> dict[str, Any]:
        stop = self.live.snapshot().symptom_stop
        return {
            "session": {"duration_s": round(self.stream.session_time(), 2)},
            "spots": [],
            "flexions": [],
            "lumbar_alerts": [],
            "advice": None,
            "symptom_stop": None
            if stop is None
            else {"t_s": stop.t_s, "symptom": stop.symptom, "advice": stop.advice},
            "warnings": [warning],
        }

    def _publish_final(self) -> None:
        update = self._update()
        self.hub.publish(update)
        self._feed_consumers(update)
        self.hub.end()

    def _save_calibration(self, points: tuple[CalibrationPoint, ...]) -> None:
        """Keep the calibration wizard's points for this ball at this inflation.

        The store hands them to the next session of this ball (``calibration_for``);
        the running session keeps the calibration it started with.
        """
        try:
            self.db.add_calibration(
                points,
                rest_gauge_kpa=self.meta.ball.rest_gauge_kpa,
                device_id=self._device_id,
                ball_radius_m=self.meta.ball.radius_m,
                note="calibration wizard",
            )
        except (StoreError, ValueError) as err:
            log.error("calibration not saved: %s", err)

    def _store_failed(self, err: StoreError) -> None:
        self.store_error = str(err)

    # ------------------------------------------------------------------ events

    def _record_event(self, event: StoredEvent) -> None:
        if self._store is None:
            self._early_events.append(event)
            return
        try:
            self._store.add_event(event)
        except StoreError as err:
            log.error("event not recorded: %s", err)

    def _alert(self, code: str, t_s: float) -> None:
        if self._publisher is not None:
            self._publisher.alert(mqtt_bridge.alert(code, t_s))

    # ------------------------------------------------------------------ updates

    async def _tick(self) -> None:
        while True:
            started = time.monotonic()
            update = self._update()
            self.hub.publish(update)
            self._feed_consumers(update)
            self._side_effects(update)
            elapsed = time.monotonic() - started
            await asyncio.sleep(max(0.0, self.update_period_s - elapsed))

    def _update(self) -> SessionUpdate:
        snapshot = self.live.snapshot()
        self._seq += 1
        guide: InflationGuide | None = None
        gauge = self.trace.latest_gauge_kpa
        if self._inflation_target is not None and gauge is not None:
            guide = inflation_guide(gauge, self._inflation_target)
        return SessionUpdate(
            seq=self._seq,
            state=self.state,
            session_id=self.session_id,
            snapshot=snapshot,
            link=self.link.state(),
            trace=self.trace.take(snapshot.load_n),
            cues=tuple(self._cues),
            inflation=guide,
            result=self.result if self.state == "ended" else None,
            store_error=self.store_error,
        )

    def _feed_consumers(self, update: SessionUpdate) -> None:
        for consumer in list(self.live_consumers):
            try:
                consumer(update)
            except Exception:
                log.exception("live consumer %r failed; it is removed", consumer)
                self.live_consumers.remove(consumer)

    def _side_effects(self, update: SessionUpdate) -> None:
        """MQTT state and alerts, alarms as events, the heading for the store."""
        if self._publisher is not None:
            self._publisher.update(
                mqtt_bridge.ball_state(update, self._ball_id(), self.room, self.person)
            )
        t_s = update.snapshot.t_s
        codes = set(mqtt_bridge.alarm_codes(update))
        if update.link.battery_pct is not None and update.link.battery_pct <= LOW_BATTERY_PCT:
            codes.add("low_battery")
        if self._lost_for(update.link) > LINK_LOST_ALERT_S:
            codes.add("link_lost")
        for code in sorted(codes - self._alerted):
            if code != "symptom_stop":  # recorded and sent with the input itself
                self._alert(code, t_s)
                self._record_event(StoredEvent(t_s, "alert", value=code))
        self._alerted = codes
        if self.session_id is not None:
            self._save_heading(self.session_id)

    def _lost_for(self, link: LinkState) -> float:
        if link.phase in ("streaming", "idle", "stopped"):
            self._outage_since = None
            return 0.0
        now = time.monotonic()
        if self._outage_since is None:
            self._outage_since = now
        return now - self._outage_since if self.session_id is not None else 0.0

    def _save_heading(self, session_id: int) -> None:
        """Keep the live analysis's heading with the session: exports then align the
        orientation exactly as it was seen live (docs/export.md)."""
        heading = self.live.heading
        if heading is None or heading == self._heading_saved:
            return
        try:
            self.db.update_extra(session_id, {HEADING_KEY: heading_json(heading)})
            self._heading_saved = heading
        except StoreError as err:
            log.error("heading not saved: %s", err)
