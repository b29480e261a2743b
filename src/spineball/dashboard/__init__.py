"""The live Textual dashboard (docs/dashboard.md).

The app reads a :class:`~spineball.session.api.SessionClient` — a recorder or a
:class:`~spineball.dashboard.replay.ReplayClient` — and sends the user's inputs
back; it never touches the BLE link, the stream or the store of a live session.
Textual is imported only by ``app``, ``screens`` and ``widgets``.
"""
