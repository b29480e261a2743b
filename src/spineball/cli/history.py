"""``spineball history``: every session at a glance, trends per vertebral level, the plan."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from spineball.cli.errors import fail
from spineball.cli.store_option import db_option, open_db, select, selection_options


def _mmss(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    total = round(seconds)
    return f"{total // 60}:{total % 60:02d}"


def _table(header: tuple[str, ...], body: Sequence[tuple[str, ...]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    return [
        "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *body]
    ]


def _advice(advice: dict[str, Any]) -> str:
    if advice["action"] == "keep":
        return "keep"
    return f"{advice['action']} {advice['delta_kpa']:+.1f} kPa"


def _flags(row: dict[str, Any]) -> str:
    flags = []
    if row["symptom_stop"]:
        flags.append(f"STOP: {row['symptom_stop']['symptom']}")
    if row["lumbar_alerts"]:
        flags.append(f"lumbar alert ×{row['lumbar_alerts']}")
    return ", ".join(flags)


def session_lines(rows: list[dict[str, Any]]) -> list[str]:
    header = (
        "id",
        "date",
        "length",
        "on ball",
        "spots",
        "sore",
        "coverage",
        "pain drop",
        "inflation",
        "advice",
        "",
    )
    body = [
        (
            str(r["id"]),
            datetime.fromisoformat(r["start"]).strftime("%Y-%m-%d %H:%M"),
            _mmss(r["duration_s"]),
            _mmss(r["on_ball_s"]),
            str(r["spots"]),
            str(r["sore_spots"]),
            f"{r['coverage'] * 100:.0f} %",
            "–" if r["mean_pain_drop"] is None else f"{r['mean_pain_drop']:.1f}",
            f"{r['inflation_kpa']:.1f} kPa",
            _advice(r["advice"]),
            _flags(r),
        )
        for r in rows
    ]
    return _table(header, body, {0, 2, 3, 4, 5, 6, 7, 8})


def _rating(value: float | None) -> str:
    """A mean rating to one decimal, without a trailing .0 (6, 4.3)."""
    return "?" if value is None else f"{value:.1f}".removesuffix(".0")


def _cell(c: dict[str, Any]) -> str:
    first, last = c["pain_first"], c["pain_last"]
    pain = "no rating" if first is None else f"pain {_rating(first)}→{_rating(last)}"
    return f"{_mmss(c['dwell_s'])} · {pain} · sore {c['sore_sessions']}/{c['sessions']}"


def level_lines(levels: dict[str, list[dict[str, Any]]]) -> list[str]:
    weeks = sorted({c["week"] for cells in levels.values() for c in cells})
    if not weeks:
        return ["no spots yet"]
    body = []
    for level, cells in levels.items():
        by_week = {c["week"]: c for c in cells}
        body.append((level, *(_cell(by_week[w]) if w in by_week else "" for w in weeks)))
    return _table(("level", *weeks), body, set())


def plan_lines(plan: dict[str, Any]) -> list[str]:
    lines = []
    nxt = plan["next"]
    if nxt:
        low, high = nxt["range_s"]
        lines.append(
            f"Next session (no. {nxt['session_number']}): about {_mmss(nxt['target_s'])} "
            f"on the ball ({_mmss(low)}–{_mmss(high)})"
        )
    body = [
        (
            w["week"],
            str(w["sessions"]),
            _mmss(w["mean_on_ball_s"]),
            _mmss(w["mean_target_s"]),
            f"{w['sessions_on_target']}/{w['sessions']}",
        )
        for w in plan["weeks"]
    ]
    header = ("week", "sessions", "on ball (mean)", "target (mean)", "on target")
    return lines + _table(header, body, {1, 2, 3, 4})


def render_history(doc: dict[str, Any]) -> str:
    lines = ["Sessions", *session_lines(doc["sessions"]), ""]
    lines += [
        "Per vertebral level, by week (time in spots · mean first→last pain · "
        "sessions it was sore)",
        *level_lines(doc["levels"]),
        "",
    ]
    lines += ["Daily plan of the newest session's person (2–3 min at first, 4–5 min later)"]
    lines += [*plan_lines(doc["plan"]), "", doc["note"]]
    return "\n".join(lines)


@click.command()
@selection_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
@db_option
def history(
    date_from: datetime | None,
    date_to: datetime | None,
    last: int | None,
    as_json: bool,
    db_path: Path | None,
) -> None:
    """Sessions with their results, trends per vertebral level across weeks, and the plan.

    Each session is analysed with the same ball's and person's earlier
    sessions as its history, as 'spineball analyze ID' does.
    """
    from spineball.export.history import analyse_sessions, level_trends, plan_progress, session_row
    from spineball.export.summary import DISCLAIMER
    from spineball.store import StoreError, default_path

    if db_path is None and not default_path().exists():
        click.echo("no sessions recorded or imported yet", err=True)
        return
    with open_db(db_path) as db:
        if not db.sessions():
            click.echo(f"no sessions recorded or imported yet in {db.path}", err=True)
            return
        rows = [r for r in select(db, (), date_from, date_to, last) if r.samples > 0]
        if not rows:
            fail("the chosen sessions have no samples")
        try:
            items = analyse_sessions(db, [r.id for r in rows])
        except StoreError as err:
            fail(str(err))
    doc = {
        "sessions": [session_row(i) for i in items],
        "levels": level_trends(items),
        "plan": plan_progress(items),
        "note": DISCLAIMER,
    }
    if as_json:
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False))
    else:
        click.echo(render_history(doc))
