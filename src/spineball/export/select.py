"""Which stored sessions a command works on: ids, a date range, the newest N."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from spineball.store import SessionSummary


class SelectionError(ValueError):
    """No session matches, or an id is unknown; the message is one clear line."""


def local_date(summary: SessionSummary) -> date:
    return datetime.fromtimestamp(summary.started_at).date()


def select_sessions(
    rows: Sequence[SessionSummary],
    ids: Sequence[int] = (),
    date_from: date | None = None,
    date_to: date | None = None,
    last: int | None = None,
) -> list[SessionSummary]:
    """Sessions matching every given criterion, oldest first.

    ``ids`` (any order) or else every session; then those started (local date)
    on ``date_from`` … ``date_to`` inclusive; then the newest ``last`` of them.
    """
    by_id = {r.id: r for r in rows}
    if ids:
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            listed = ", ".join(map(str, unknown))
            raise SelectionError(
                f"no session {listed} (see 'spineball sessions')"
                if len(unknown) == 1
                else f"no sessions {listed} (see 'spineball sessions')"
            )
        chosen = [by_id[i] for i in dict.fromkeys(ids)]
    else:
        chosen = list(rows)
    if date_from is not None:
        chosen = [r for r in chosen if local_date(r) >= date_from]
    if date_to is not None:
        chosen = [r for r in chosen if local_date(r) <= date_to]
    chosen.sort(key=lambda r: (r.started_at, r.id))
    if last is not None:
        if last < 1:
            raise SelectionError("--last needs a positive number of sessions")
        chosen = chosen[-last:]
    if not chosen:
        raise SelectionError(_nothing(date_from, date_to, bool(rows)))
    return chosen


def _nothing(date_from: date | None, date_to: date | None, any_rows: bool) -> str:
    if not any_rows:
        return "no sessions recorded yet"
    if date_from and date_to:
        return f"no sessions from {date_from} to {date_to}"
    if date_from:
        return f"no sessions on or after {date_from}"
    if date_to:
        return f"no sessions on or before {date_to}"
    return "no sessions match"
