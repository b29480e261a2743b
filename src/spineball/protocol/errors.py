"""The one exception type for malformed protocol input."""

from __future__ import annotations

from typing import Literal

#: Why a message was rejected; the firmware's C core uses the same names.
ErrorKind = Literal["truncated", "length", "version", "flags", "count", "range", "opcode"]


class ProtocolError(ValueError):
    """A message that does not follow docs/protocol.md.

    ``kind`` is a stable machine-readable category (see :data:`ErrorKind`);
    the message says what was wrong in words a user can act on.
    """

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
