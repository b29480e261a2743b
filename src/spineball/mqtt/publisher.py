"""One ball's publisher: an async context manager that owns its background task.

    async with Publisher(settings, "room3-ball") as mqtt:
        mqtt.update(state)        # as often as you like; ≤ 2 Hz reach the broker
        mqtt.alert(Alert("lumbar_red", "Ball past L1: roll back up", "critical"))
        mqtt.summary(summary)     # on disk before this returns; retained on the broker

Nothing here waits for the broker: entering returns at once, ``update`` only
stores the newest snapshot, ``alert``/``summary`` write to the on-disk outbox.
The background task connects, publishes, and reconnects with backoff; a
broker that is down, slow or refusing us never blocks or crashes the caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Final, Self

import aiomqtt

from spineball import config
from spineball.mqtt.backoff import Backoff
from spineball.mqtt.connection import LinkStatus, make_client, run_forever
from spineball.mqtt.discovery import discovery_payload
from spineball.mqtt.outbox import Kind, Outbox
from spineball.mqtt.schema import (
    Alert,
    BallState,
    SessionSummary,
    check_ball_id,
    encode_alert,
    encode_state,
    encode_summary,
)
from spineball.mqtt.settings import MqttSettings
from spineball.mqtt.topics import OFFLINE, ONLINE, BallTopics

log = logging.getLogger("spineball.mqtt")

#: Live state rate cap: a dashboard across the room needs no more, and a
#: clinic broker with many balls should not carry the 100–200 Hz sample rate.
DEFAULT_MAX_RATE_HZ: Final = 2.0
OUTBOX_FILE: Final = "mqtt-outbox.sqlite3"


@dataclass(frozen=True, slots=True)
class PublisherStatus:
    url: str
    connected: bool
    connects: int
    reconnects: int
    last_error: str | None
    #: summaries and alerts waiting for the broker
    pending: int
    states_sent: int


@dataclass(frozen=True, slots=True)
class _Unsaved:
    """A message the disk refused to store: kept in memory so it is not lost."""

    kind: Kind
    key: str
    topic: str
    payload: bytes
    retain: bool


class Publisher:
    def __init__(
        self,
        settings: MqttSettings,
        ball_id: str,
        *,
        room: str = "",
        outbox_path: Path | None = None,
        max_rate_hz: float = DEFAULT_MAX_RATE_HZ,
        close_timeout_s: float = 3.0,
        backoff: Backoff | None = None,
    ) -> None:
        if not 0 < max_rate_hz <= 50:
            raise ValueError("max_rate_hz must be in (0, 50]")
        self.settings = settings
        self.ball_id = check_ball_id(ball_id)
        self.topics = BallTopics(settings.topic_prefix, ball_id, settings.discovery_prefix)
        self._room = room
        self._announced_room: str | None = None
        self._outbox_path = outbox_path
        self._outbox: Outbox | None = None
        self._unsaved: list[_Unsaved] = []
        self._interval_s = 1.0 / max_rate_hz
        self._close_timeout_s = close_timeout_s
        self._backoff = backoff or Backoff()
        self._link = LinkStatus()
        self._latest: BallState | None = None
        self._state_unsent = False
        self._state_dirty = asyncio.Event()
        self._outbox_dirty = asyncio.Event()
        self._closing = asyncio.Event()
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._states_sent = 0

    # ------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        self._open_outbox()
        self._outbox_dirty.set()  # deliver what an earlier run left behind
        self._task = asyncio.create_task(self._run(), name=f"mqtt-publisher-{self.ball_id}")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Flush what the broker can take within ``close_timeout_s``, say offline, disconnect.

        Undelivered summaries and alerts stay in the outbox for the next run.
        """
        self._closing.set()
        self._state_dirty.set()
        self._outbox_dirty.set()
        task, self._task = self._task, None
        if task is not None:
            # only a live session has anything to flush; a pending connect is just dropped
            flush_s = self._close_timeout_s if self._link.connected else 0.0
            done, _ = await asyncio.wait({task}, timeout=flush_s)
            if not done:
                task.cancel()
                # a broker that stopped answering must not hold the caller up either
                await asyncio.wait({task}, timeout=1.0)
            elif task.exception() is not None:
                log.error("mqtt publisher stopped: %s", task.exception())
        if self._unsaved:
            log.warning(
                "%d mqtt message(s) could not be stored on disk and were not delivered",
                len(self._unsaved),
            )
        if self._outbox is not None:
            self._outbox.close()
            self._outbox = None

    def _open_outbox(self) -> None:
        path = self._outbox_path or config.data_dir() / OUTBOX_FILE
        try:
            self._outbox = Outbox(path)
        except (sqlite3.Error, OSError) as err:
            log.warning("mqtt outbox %s unavailable (%s); queueing in memory", path, err)

    # ------------------------------------------------------------ the caller's side

    def update(self, state: BallState) -> None:
        """Offer the newest snapshot; older unsent ones are dropped (coalescing)."""
        if state.ball_id != self.ball_id:
            raise ValueError(f"state of {state.ball_id!r} given to publisher {self.ball_id!r}")
        self._latest = state
        self._state_unsent = True
        if state.room and not self._room:
            self._room = state.room
        self._state_dirty.set()

    def alert(self, alert: Alert) -> None:
        """Queue an alert (QoS ≥ 1, not retained); delivered after a reconnect if need be."""
        self._enqueue(
            "alert",
            alert.alert_id,
            self.topics.alert,
            encode_alert(alert, self.ball_id),
            retain=False,
        )

    def summary(self, summary: SessionSummary) -> None:
        """Queue the session summary (retained); on disk before this returns."""
        if summary.ball_id != self.ball_id:
            raise ValueError(f"summary of {summary.ball_id!r} given to publisher {self.ball_id!r}")
        self._enqueue(
            "summary", summary.session_id, self.topics.summary, encode_summary(summary), retain=True
        )

    @property
    def status(self) -> PublisherStatus:
        return PublisherStatus(
            url=self.settings.url,
            connected=self._link.connected,
            connects=self._link.connects,
            reconnects=self._link.reconnects,
            last_error=self._link.last_error,
            pending=self._pending_count(),
            states_sent=self._states_sent,
        )

    async def wait_connected(self, timeout_s: float) -> bool:
        """For tools and tests: wait until the broker session is up."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), timeout_s)
        return self._connected.is_set()

    async def wait_delivered(self, timeout_s: float) -> bool:
        """For tools and tests: wait until no summary or alert is waiting."""
        deadline = time.monotonic() + timeout_s
        while self._pending_count():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    def _enqueue(self, kind: Kind, key: str, topic: str, payload: bytes, *, retain: bool) -> None:
        stored = False
        if self._outbox is not None:
            try:
                if not self._outbox.put(self.ball_id, kind, key, topic, payload, retain=retain):
                    log.info("mqtt %s %s was queued or sent before; not sent again", kind, key)
                stored = True
            except sqlite3.Error as err:
                log.warning("mqtt outbox write failed (%s); keeping the %s in memory", err, kind)
        if not stored and all(u.key != key or u.kind != kind for u in self._unsaved):
            self._unsaved.append(_Unsaved(kind, key, topic, payload, retain))
        self._outbox_dirty.set()

    def _pending_count(self) -> int:
        count = len(self._unsaved)
        if self._outbox is not None:
            with contextlib.suppress(sqlite3.Error):
                count += self._outbox.pending_count(self.ball_id)
        return count

    # ------------------------------------------------------------ background task

    def _client(self) -> aiomqtt.Client:
        will = aiomqtt.Will(self.topics.availability, OFFLINE, qos=1, retain=True)
        return make_client(self.settings, will=will, client_id=self.settings.client_id)

    async def _run(self) -> None:
        await run_forever(
            self._client,
            self._session,
            self.settings,
            self._link,
            stop=self._closing,
            backoff=self._backoff,
            on_change=self._on_link_change,
        )

    def _on_link_change(self, status: LinkStatus) -> None:
        if status.connected:
            self._connected.set()
        else:
            self._connected.clear()

    async def _session(self, client: aiomqtt.Client) -> None:
        await client.publish(self.topics.availability, ONLINE, qos=1, retain=True)
        try:
            if self.settings.discovery:
                await client.subscribe(self.topics.ha_status, qos=1)
                await self._announce(client)
            # the broker may have lost our retained state (e.g. it restarted)
            self._resend_state()
            self._outbox_dirty.set()
            await self._serve(client)
        finally:
            # say goodbye ourselves: a graceful DISCONNECT suppresses the last will
            with contextlib.suppress(aiomqtt.MqttError, TimeoutError):
                async with asyncio.timeout(1.0):
                    await client.publish(self.topics.availability, OFFLINE, qos=1, retain=True)

    async def _serve(self, client: aiomqtt.Client) -> None:
        """Run the senders until they finish (closing) or anything fails (broker gone)."""
        senders = {
            asyncio.create_task(self._send_states(client)),
            asyncio.create_task(self._drain_outbox(client)),
        }
        listener = asyncio.create_task(self._listen(client))
        running = {*senders, listener}
        try:
            while senders & running:
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    error = task.exception()
                    if error is not None:
                        raise error
                if listener in done:
                    raise aiomqtt.MqttError("the broker connection ended")
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    def _resend_state(self) -> None:
        if self._latest is not None:
            self._state_unsent = True
            self._state_dirty.set()

    async def _announce(self, client: aiomqtt.Client) -> None:
        payload = discovery_payload(self.topics, room=self._room, qos=self.settings.qos)
        await client.publish(self.topics.discovery, payload, qos=1, retain=True)
        self._announced_room = self._room

    async def _listen(self, client: aiomqtt.Client) -> None:
        async for message in client.messages:
            if message.topic.matches(self.topics.ha_status) and message.payload == ONLINE:
                log.info("Home Assistant came online; announcing %s again", self.ball_id)
                await self._announce(client)
                self._resend_state()

    async def _send_states(self, client: aiomqtt.Client) -> None:
        last_sent = -math.inf
        while True:
            await self._state_dirty.wait()
            # rate cap: wait out the interval, then send whatever is newest by then
            wait = last_sent + self._interval_s - time.monotonic()
            if wait > 0 and self._state_unsent and not self._closing.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), wait)
            self._state_dirty.clear()
            state = self._latest
            if state is not None and self._state_unsent:
                self._state_unsent = False
                if self.settings.discovery and state.room and state.room != self._announced_room:
                    self._room = state.room
                    await self._announce(client)
                last_sent = time.monotonic()
                await client.publish(
                    self.topics.state,
                    encode_state(state, time.time()),
                    qos=self.settings.qos,
                    retain=True,
                )
                self._states_sent += 1
            if self._closing.is_set() and not self._state_unsent:
                return

    async def _drain_outbox(self, client: aiomqtt.Client) -> None:
        qos = max(1, self.settings.qos)  # delivery is confirmed only by a PUBACK
        while True:
            self._outbox_dirty.clear()
            while self._unsaved:
                item = self._unsaved[0]
                await client.publish(item.topic, item.payload, qos=qos, retain=item.retain)
                self._unsaved.pop(0)
            try:
                await self._drain_disk(client, qos)
            except sqlite3.Error as err:
                # sent but not marked: the next run may repeat it (same id, consumers dedupe)
                log.warning("mqtt outbox read/write failed (%s); retrying in 5 s", err)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), 5.0)
                self._outbox_dirty.set()
            if self._closing.is_set():
                return
            await self._outbox_dirty.wait()

    async def _drain_disk(self, client: aiomqtt.Client, qos: int) -> None:
        while self._outbox is not None:
            batch = self._outbox.pending(self.ball_id, limit=50)
            if not batch:
                return
            for message in batch:
                await client.publish(message.topic, message.payload, qos=qos, retain=message.retain)
                self._outbox.mark_delivered(message.id)
                log.info("mqtt %s %s delivered", message.kind, message.key)
