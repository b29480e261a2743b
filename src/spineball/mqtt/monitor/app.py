"""The monitor app: a worker listens to the broker, the screen redraws at most 4× a second.

The MQTT connection is an asyncio task inside Textual's loop (aiomqtt never
blocks it; its blocking connect runs in a thread), so a slow or absent broker
only shows as a line in the link bar.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header

from spineball.mqtt.connection import LinkStatus
from spineball.mqtt.fleet import Fleet
from spineball.mqtt.monitor.widgets import AlertLog, BallTable, LinkBar
from spineball.mqtt.settings import MqttSettings
from spineball.mqtt.watch import watch_fleet

#: redraw period: coalesces a burst of messages from many balls into one frame
REDRAW_S = 0.25


class MonitorApp(App[None]):
    CSS_PATH = "monitor.tcss"
    TITLE = "spineball monitor"
    SUB_TITLE = "exercise guidance, not diagnosis"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def __init__(
        self,
        settings: MqttSettings,
        *,
        stale_after_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.fleet = Fleet(settings.topic_prefix, stale_after_s=stale_after_s)
        self.link = LinkStatus()
        self._clock = clock
        self._dirty = True
        self._stop = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield Header()
        yield BallTable()
        alerts = AlertLog()
        alerts.border_title = "Alerts"
        yield alerts
        yield LinkBar()
        yield Footer()

    def on_mount(self) -> None:
        self.run_worker(self._listen(), name="mqtt", exclusive=True)
        self.set_interval(REDRAW_S, self.redraw)
        self.redraw()

    async def _listen(self) -> None:
        await watch_fleet(
            self.settings,
            self._take,
            stop=self._stop,
            status=self.link,
            on_change=lambda _status: self._mark_dirty(),
        )

    def _take(self, topic: str, payload: bytes) -> None:
        if self.fleet.apply(topic, payload, self._clock()):
            self._dirty = True

    def _mark_dirty(self) -> None:
        self._dirty = True

    def redraw(self) -> None:
        # staleness moves with the clock, so the rows are recomputed every tick;
        # the alert log and link bar only when something arrived
        self.query_one(BallTable).show(self.fleet.rows(self._clock()))
        if self._dirty:
            self._dirty = False
            self.query_one(AlertLog).show(list(self.fleet.alerts))
            self.query_one(LinkBar).show(self.settings.host, self.link, self.fleet.count)

    async def action_quit(self) -> None:
        self._stop.set()
        self.exit()
