"""Messages the update worker posts to the app (Textual's way to cross from a task to the UI)."""

from __future__ import annotations

from textual.message import Message

from spineball.session.api import SessionUpdate


class UpdateArrived(Message):
    """The recorder (or the replay) sent its newest state."""

    def __init__(self, update: SessionUpdate) -> None:
        super().__init__()
        self.update = update


class StreamEnded(Message):
    """The update stream finished (session ended) or broke (``error`` says why)."""

    def __init__(self, error: str | None = None) -> None:
        super().__init__()
        self.error = error


class ConnectFailed(Message):
    """No recorder could be reached or started; ``problem`` is one line for the user."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem
