"""The virtual radio: Bumble's LocalLink plus what a real radio would add.

Bumble's controller model reports every advertisement at a fixed -50 dBm and
uses 27-byte LE data packets. :class:`RadioController` raises the data
length to 251 bytes (LE Data Length Extension, as on the ESP32 and every
current phone) and takes the RSSI a scanner sees from :class:`RadioLink`, so
fault injection can move the ball closer or further away.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Final

from bumble import hci
from bumble.controller import Controller
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink, TransportSink, TransportSource

DEFAULT_RSSI_DBM: Final = -58  # a ball a metre or two from the phone or laptop
LE_MAX_DATA_LENGTH: Final = 251  # Core spec Vol 6 Part B 4.5.10: max LE payload octets

HciPair = tuple[TransportSource, TransportSink]


class RadioLink(LocalLink):
    """A LocalLink that remembers the RSSI at which each advertiser is heard."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._rssi: dict[str, int] = {}

    def set_rssi(self, address: hci.Address | str, dbm: int) -> None:
        if not -127 <= dbm <= 20:
            raise ValueError(f"RSSI {dbm} dBm outside -127 … 20")
        self._rssi[_key(address)] = dbm

    def rssi_of(self, address: hci.Address | str) -> int:
        return self._rssi.get(_key(address), DEFAULT_RSSI_DBM)


def _key(address: hci.Address | str) -> str:
    text = str(address).split("/")[0]
    return text.upper()


class RadioController(Controller):
    """A Bumble controller with 251-byte LE data packets and link-defined RSSI."""

    def __init__(
        self,
        name: str,
        link: RadioLink,
        public_address: str,
        host_source: TransportSource | None = None,
        host_sink: TransportSink | None = None,
    ) -> None:
        super().__init__(
            name,
            host_source=host_source,
            host_sink=host_sink,
            link=link,
            public_address=public_address,
        )
        self.radio = link
        self.le_acl_data_packet_length = LE_MAX_DATA_LENGTH
        self.supported_max_tx_octets = LE_MAX_DATA_LENGTH
        self.supported_max_rx_octets = LE_MAX_DATA_LENGTH
        self.suggested_max_tx_octets = LE_MAX_DATA_LENGTH

    def on_hci_le_create_connection_cancel_command(
        self, command: hci.HCI_LE_Create_Connection_Cancel_Command
    ) -> hci.HCI_StatusReturnParameters:
        """Really cancel a pending connect (Bumble's model ignores the cancel).

        Core spec Vol 4 Part E 7.8.13: Command Complete, then LE Connection
        Complete with status Unknown Connection Identifier (0x02). Without this
        a connect timeout on the central never ends while the peer is silent.
        """
        pending = self.pending_le_connection
        if pending is None:
            return hci.HCI_StatusReturnParameters(hci.HCI_ErrorCode.COMMAND_DISALLOWED_ERROR)
        self.pending_le_connection = None
        failed = hci.HCI_LE_Connection_Complete_Event(
            status=hci.HCI_ErrorCode.UNKNOWN_CONNECTION_IDENTIFIER_ERROR,
            connection_handle=0,
            role=hci.Role.CENTRAL,
            peer_address_type=pending.peer_address.address_type,
            peer_address=pending.peer_address,
            connection_interval=0,
            peripheral_latency=0,
            supervision_timeout=0,
            central_clock_accuracy=0,
        )
        asyncio.get_running_loop().call_soon(self.send_hci_packet, failed)
        return hci.HCI_StatusReturnParameters(hci.HCI_ErrorCode.SUCCESS)

    def send_hci_packet(self, packet: hci.HCI_Packet) -> None:
        rssi = self.radio.rssi_of
        if isinstance(packet, hci.HCI_LE_Extended_Advertising_Report_Event):
            packet = hci.HCI_LE_Extended_Advertising_Report_Event(
                [dataclasses.replace(r, rssi=rssi(r.address)) for r in packet.reports]
            )
        elif isinstance(packet, hci.HCI_LE_Advertising_Report_Event):
            packet = hci.HCI_LE_Advertising_Report_Event(
                [dataclasses.replace(r, rssi=rssi(r.address)) for r in packet.reports]
            )
        super().send_hci_packet(packet)


def attach_controller(link: RadioLink, name: str, public_address: str) -> HciPair:
    """A new controller on ``link``; returns the (source, sink) a Bumble Host drives."""
    controller = RadioController(name, link, public_address)
    return controller, AsyncPipeSink(controller)
