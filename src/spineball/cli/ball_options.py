"""Options every ball command shares: which radio (OS, --transport, --virtual)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import click

from spineball.cli.errors import fail

if TYPE_CHECKING:
    from spineball.session.radio import RadioSpec

F = TypeVar("F", bound=Callable[..., object])
T = TypeVar("T")


def radio_options(func: F) -> F:
    """``--virtual``, ``--transport SPEC``, ``--seed N``, ``--time-scale X``."""
    options = [
        click.option(
            "--time-scale",
            type=click.FloatRange(min=0.1, max=50.0),
            default=1.0,
            show_default=True,
            help="With --virtual: simulated time runs this many times faster (demos, tests).",
        ),
        click.option(
            "--seed",
            type=int,
            default=0,
            show_default=True,
            help="With --virtual: which simulated person and session (deterministic).",
        ),
        click.option(
            "--transport",
            metavar="SPEC",
            default=None,
            help="Use a Bumble HCI transport instead of the OS Bluetooth stack: usb:0 for a "
            "USB dongle, tcp-client:HOST:PORT for 'spineball virtual' in another process.",
        ),
        click.option(
            "--virtual",
            is_flag=True,
            help="Use a virtual ball with a simulated person, in this process (no hardware).",
        ),
    ]
    for option in options:
        func = option(func)
    return func


def radio_spec(virtual: bool, transport: str | None, seed: int, time_scale: float) -> RadioSpec:
    from spineball.session.radio import RadioSpec

    if virtual and transport:
        fail("--virtual and --transport exclude each other: pick one")
    if time_scale != 1.0 and not virtual:
        fail("--time-scale works only with --virtual")
    return RadioSpec(transport=transport, virtual=virtual, seed=seed, time_scale=time_scale)


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a command's coroutine; link and store failures end it with one clear line."""
    import asyncio

    from spineball.ble.link import LinkError
    from spineball.config import ConfigError
    from spineball.store import StoreError

    try:
        return asyncio.run(coro)
    except (LinkError, StoreError, ConfigError) as err:
        fail(str(err))
    except KeyboardInterrupt:
        fail("interrupted")
