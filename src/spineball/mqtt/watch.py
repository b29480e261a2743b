"""Subscribe to every ball under a prefix and hand each message on, reconnecting forever."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import aiomqtt

from spineball.mqtt.backoff import Backoff
from spineball.mqtt.connection import LinkStatus, make_client, run_forever
from spineball.mqtt.settings import MqttSettings
from spineball.mqtt.topics import fleet_filters


async def watch_fleet(
    settings: MqttSettings,
    on_message: Callable[[str, bytes], None],
    *,
    stop: asyncio.Event,
    status: LinkStatus | None = None,
    on_change: Callable[[LinkStatus], None] | None = None,
    backoff: Backoff | None = None,
) -> None:
    """Runs until ``stop`` is set. The broker replays retained state on every (re)subscribe."""
    # a monitor next to a ball client must not take over the ball's client id
    client_id = f"{settings.client_id}-monitor" if settings.client_id else None

    async def session(client: aiomqtt.Client) -> None:
        for topic_filter in fleet_filters(settings.topic_prefix):
            await client.subscribe(topic_filter, qos=1)
        messages = asyncio.ensure_future(_pump(client, on_message))
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({messages, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            messages.cancel()
            stopping.cancel()
        if messages.done() and not messages.cancelled():
            error = messages.exception()
            if error is not None:
                raise error

    await run_forever(
        lambda: make_client(settings, client_id=client_id),
        session,
        settings,
        status or LinkStatus(),
        stop=stop,
        backoff=backoff,
        on_change=on_change,
    )


async def _pump(client: aiomqtt.Client, on_message: Callable[[str, bytes], None]) -> None:
    async for message in client.messages:
        if isinstance(message.payload, bytes):
            on_message(message.topic.value, message.payload)
    raise aiomqtt.MqttError("the broker connection ended")
