"""The stream layer: BLE notifications in, ordered sample blocks and gaps out.

Pure Python + numpy + asyncio; it knows the wire protocol but not the radio.
See docs/stream.md for the model (indices, timebase, holes and gaps,
restarts, consumer policies).
"""

from spineball.stream.assembler import Hole, StreamAssembler, StreamItem
from spineball.stream.drift import DriftEstimator, Envelope
from spineball.stream.health import LinkHealth
from spineball.stream.hub import Broadcast, Policy, Subscription
from spineball.stream.live import SampleStream
from spineball.stream.timebase import NominalClock, SessionTimebase
from spineball.stream.unwrap import IndexUnwrapper

__all__ = [
    "Broadcast",
    "DriftEstimator",
    "Envelope",
    "Hole",
    "IndexUnwrapper",
    "LinkHealth",
    "NominalClock",
    "Policy",
    "SampleStream",
    "SessionTimebase",
    "StreamAssembler",
    "StreamItem",
    "Subscription",
]
