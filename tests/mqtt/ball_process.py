"""A ball client in its own process (for kill -9 and the monitor tests).

    python -m tests.mqtt.ball_process URL PREFIX BALL_ID ROOM PERSON LEVEL [LUMBAR]

Prints ``connected`` once the broker session is up, then publishes a state
every 50 ms until killed.
"""

from __future__ import annotations

import asyncio
import sys

from spineball.mqtt.publisher import Publisher
from spineball.mqtt.settings import settings_from
from tests.mqtt.helpers import sample_state


async def main(argv: list[str]) -> None:
    url, prefix, ball_id, room, person, level, *rest = argv
    lumbar = rest[0] if rest else "none"
    settings = settings_from({"topic_prefix": prefix, "discovery": False}, url=url, environ={})
    assert settings is not None
    async with Publisher(settings, ball_id, room=room) as publisher:
        state = sample_state(ball_id, room=room, person=person, level=level, lumbar=lumbar)
        publisher.update(state)
        if not await publisher.wait_connected(10):
            raise SystemExit(f"not connected: {publisher.status.last_error}")
        print("connected", flush=True)
        while True:
            publisher.update(state)
            await asyncio.sleep(0.05)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
