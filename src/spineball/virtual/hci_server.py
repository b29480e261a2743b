"""Serve a spare virtual controller on an HCI transport (``tcp-server:HOST:PORT``).

Bumble removed its link relay; another process reaches an in-process
:class:`RadioLink` through one more controller whose HCI is served on a
transport. The other process runs a Bumble host on ``tcp-client:HOST:PORT``
(spineball's bleak backend, or Bumble's own tools such as
``bumble-gatt-dump``) and sees the ball on the shared link.
"""

from __future__ import annotations

from bumble.transport import open_transport
from bumble.transport.common import Transport

from spineball.virtual.radio import RadioController, RadioLink


async def serve_controller(
    link: RadioLink, spec: str, public_address: str, name: str = "hci-server"
) -> tuple[Transport, RadioController]:
    """Open ``spec`` and attach a new controller on ``link`` to it; close the transport to stop."""
    transport = await open_transport(spec)
    controller = RadioController(
        name,
        link,
        public_address,
        host_source=transport.source,
        host_sink=transport.sink,
    )
    return transport, controller
