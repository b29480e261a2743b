"""Live and backfill frames merge into every index exactly once, in order, with exact gaps."""

from __future__ import annotations

import heapq
import logging

import numpy as np
import pytest

from spineball import protocol as p
from spineball.samples import Gap, SampleBlock
from spineball.stream import StreamAssembler, StreamItem
from tests.stream.ball import Ball, arrivals, frames_of, make_raw

U32 = 1 << 32


def blocks_and_gaps(items: list[StreamItem]) -> tuple[list[SampleBlock], list[Gap]]:
    return [i for i in items if isinstance(i, SampleBlock)], [
        i for i in items if isinstance(i, Gap)
    ]


def check_partition(items: list[StreamItem], start: int, end: int) -> None:
    """Blocks and gaps tile [start, end) in order, no overlap, no hole."""
    cursor = start
    for item in items:
        if isinstance(item, SampleBlock):
            idx = item.samples["index"]
            assert idx[0] == cursor
            assert np.array_equal(idx, np.arange(cursor, cursor + len(idx)))
            cursor += len(idx)
        else:
            assert item.first_index == cursor
            assert item.end_index > cursor
            cursor = item.end_index
    assert cursor == end


def simulate(seed: int) -> tuple[Ball, set[int], list[StreamItem], StreamAssembler, set[int]]:
    """A 60 s session over a faulty link with a link engine that asks for backfill.

    Faults: 8 % of live frames dropped, 5 % duplicated later, 10 % swapped with a
    neighbour, a 4 s disconnection (backfilled) and a 25 s one (longer than the
    15 s ring buffer → PARTIAL), 3 % of backfill frames lost in transit.
    Returns the ball, the indices that reached the host, the stream's items, the
    assembler, and the indices the ball declared overwritten.
    """
    rng = np.random.default_rng(seed)
    ball = Ball(n=6000, ring=1500, seed=seed)
    live = ball.live_frames()
    ready = np.array([t for _, t in live])
    arrival = arrivals(ready, rng, interval_s=1e-6)
    t0 = ball.sample_time[0]
    down = [(t0 + 12.0, t0 + 16.0), (t0 + 25.0, t0 + 50.0)]
    events: list[tuple[float, int, bytes]] = []  # (arrival, tiebreak, frame)
    order = 0
    for k, (frame, _) in enumerate(live):
        t = float(arrival[k])
        if any(a <= t < b for a, b in down) or rng.random() < 0.08:
            continue
        if rng.random() < 0.10 and k + 1 < len(live):
            t = float(arrival[k + 1]) + 1e-4  # arrives after its successor
        events.append((t, order, frame))
        order += 1
        if rng.random() < 0.05:
            events.append((t + float(rng.uniform(0.05, 2.0)), order, frame))
            order += 1
    heapq.heapify(events)

    stream = StreamAssembler(hold_timeout_s=1e9)
    items: list[StreamItem] = []
    received: set[int] = set()
    overwritten: set[int] = set()
    requested: dict[int, float] = {}
    next_check = t0
    now = t0
    while events:
        now, _, frame = heapq.heappop(events)
        items += stream.frames([frame], [now])
        header = p.decode_header(frame)
        received.update(range(header.first_index, header.first_index + header.count))
        if now < next_check or any(a <= now < b for a, b in down):
            continue
        next_check = now + 0.5
        newest = int(np.searchsorted(ball.sample_time, now, side="right")) - 1
        for hole in stream.pending_holes():
            if now - requested.get(hole.first_index, -1e9) < 1.0:
                continue
            requested[hole.first_index] = now
            answer, frames = ball.backfill(hole.device_first_index, newest, hole.count)
            items += stream.backfill_response(hole.device_first_index, answer, now + 0.01)
            assert isinstance(answer.payload, p.BackfillPayload)
            if answer.result == p.Result.PARTIAL:
                overwritten.update(range(hole.device_first_index, answer.payload.first))
            for j, bf in enumerate(frames):
                if rng.random() >= 0.03:
                    heapq.heappush(events, (now + 0.02 + 0.002 * j, order, bf))
                    order += 1
    items += stream.finish(now + 1.0, end_device_index=ball.n)
    return ball, received, items, stream, overwritten


@pytest.mark.parametrize("seed", range(4))
def test_every_index_once_in_order_with_gaps_exactly_where_data_never_came(seed: int) -> None:
    ball, received, items, stream, overwritten = simulate(seed)
    first = min(received)
    check_partition(items, first, ball.n)
    blocks, gaps = blocks_and_gaps(items)
    got = np.concatenate([b.samples["index"] for b in blocks])
    assert set(got.tolist()) == received  # nothing that arrived is lost, nothing invented
    missing = {i for g in gaps for i in range(g.first_index, g.end_index)}
    assert missing == set(range(first, ball.n)) - received
    assert {
        i for g in gaps if g.cause == "overwritten" for i in range(g.first_index, g.end_index)
    } == (overwritten - received)
    assert overwritten, "the 25 s outage must exceed the ring buffer"
    # Values are the ball's, bit for bit, whichever path they came by.
    raw = np.concatenate([b.raw for b in blocks if b.raw is not None])
    truth = ball.raw[got]
    for name in ("index", "temperature_raw", "pressure_raw", "q_omit", "q_kept"):
        assert np.array_equal(raw[name], truth[name]), name
    assert any(b.origin == "backfill" for b in blocks)
    t = np.concatenate([b.samples["t_s"] for b in blocks])
    assert np.all(np.diff(t) > 0)
    health = stream.health()
    assert health.duplicates > 0
    assert health.delivered == len(got)
    assert health.lost == len(missing)
    assert health.pending == 0
    assert health.held == 0


def test_partial_answer_records_the_exact_span_and_backfill_fills_the_rest() -> None:
    raw = make_raw(2600)
    stream = StreamAssembler()
    items = stream.frames(frames_of(raw[:100], 5), [1.0] * 20)
    items += stream.frames(frames_of(raw[2000:2100], 5), [30.0] * 20)
    assert stream.next_needed_index() == 100
    [hole] = stream.pending_holes()
    assert (hole.first_index, hole.count) == (100, 1900)
    answer = p.Response(p.Opcode.BACKFILL, 1, p.Result.PARTIAL, p.BackfillPayload(1500, 500))
    items += stream.backfill_response(100, answer, 30.1)
    items += stream.frames(frames_of(raw[1500:2000], 26, backfill=True), [30.2] * 20)
    blocks, gaps = blocks_and_gaps(items)
    assert gaps == [Gap(100, 1500, gaps[0].start_s, gaps[0].end_s, "overwritten")]
    assert gaps[0].start_s == pytest.approx(1.0)
    assert gaps[0].end_s == pytest.approx(15.0)
    assert [(b.first_index, b.end_index, b.origin) for b in blocks] == [
        (0, 100, "live"),
        (1500, 2000, "backfill"),
        (2000, 2100, "live"),
    ]
    assert stream.pending_holes() == []
    assert stream.next_needed_index() == 2100


def test_unanswered_hole_becomes_a_gap_after_the_hold_timeout_and_late_data_is_counted() -> None:
    raw = make_raw(300)
    stream = StreamAssembler(hold_timeout_s=5.0)
    items = stream.frames(frames_of(raw[:100], 5), [0.5] * 20)
    items += stream.frames(frames_of(raw[150:300], 5), [1.0] * 30)
    assert [type(i) for i in items] == [SampleBlock]  # samples after the hole are held
    assert stream.health().held == 150
    assert stream.tick(5.9) == []
    items += stream.tick(6.0)
    blocks, gaps = blocks_and_gaps(items)
    assert [(g.first_index, g.end_index, g.cause) for g in gaps] == [(100, 150, "unanswered")]
    assert blocks[-1].end_index == 300
    stream.frames(frames_of(raw[100:150], 5, backfill=True), [7.0] * 10)
    health = stream.health()
    assert (health.late, health.lost, health.held) == (50, 50, 0)


def test_give_up_turns_pending_holes_into_gaps() -> None:
    raw = make_raw(60)
    stream = StreamAssembler()
    stream.frames(frames_of(raw[:10], 5) + frames_of(raw[20:60], 5), [0.1] * 10)
    items = stream.give_up(0.2)
    assert [(i.first_index, i.end_index) for i in items] == [(10, 20), (20, 60)]
    assert isinstance(items[0], Gap)
    assert items[0].cause == "unanswered"


def test_indices_unwrap_past_u32_and_backfill_asks_with_the_device_index() -> None:
    first = U32 - 50
    raw = make_raw(200, first_index=first)
    frames = frames_of(raw, 5)
    stream = StreamAssembler()
    items = stream.frames(frames[:12], [0.0] * 12)  # up to first + 59 (past the wrap)
    items += stream.frames(frames[14:], [0.5] * 26)  # frames 12-13 lost: 60 … 69
    idx = np.concatenate([b.samples["index"] for b in items if isinstance(b, SampleBlock)])
    assert idx[0] == first
    assert idx[-1] == first + 59
    assert np.all(np.diff(idx) == 1)
    assert stream.next_needed_index() == (first + 60) % U32 == 10
    items += stream.frames(frames[12:14], [0.6, 0.6])
    idx = np.concatenate([b.samples["index"] for b in items if isinstance(b, SampleBlock)])
    assert np.array_equal(idx, first + np.arange(200))
    assert stream.next_needed_index() == (first + 200) % U32


def test_malformed_frames_are_counted_logged_and_do_not_stop_the_stream(
    caplog: pytest.LogCaptureFixture,
) -> None:
    raw = make_raw(100)
    good = frames_of(raw, 5)
    bad = [b"", b"\x01\x00", good[0][:-1], b"\x02" + good[1][1:], bytes(60), good[2] + b"\x00"]
    mixed: list[bytes] = []
    for k, frame in enumerate(good):
        mixed.append(frame)
        if k < len(bad):
            mixed.append(bad[k])
    stream = StreamAssembler()
    with caplog.at_level(logging.WARNING, logger="spineball.stream"):
        items = stream.frames(mixed, [0.0] * len(mixed))
        items += stream.frames([bad[3]], [0.1])
    idx = np.concatenate([b.samples["index"] for b in items if isinstance(b, SampleBlock)])
    assert np.array_equal(idx, np.arange(100))
    health = stream.health()
    assert health.malformed == len(bad) + 1
    assert health.last_error is not None
    assert "unsupported frame version 2" in health.last_error
    assert "malformed sample frame (0 bytes)" in caplog.text


def test_a_new_run_id_places_the_restarted_ball_after_a_restart_gap() -> None:
    def status(run_id: int, oldest: int, next_index: int) -> p.Status:
        return p.Status(
            1, p.StatusFlags.STREAMING, 90, p.Rate.HZ_100, p.ErrorFlags(0),
            oldest, next_index, run_id, 1, 0, 0, 0,
        )  # fmt: skip

    old = make_raw(1000)
    stream = StreamAssembler()
    stream.status(status(7, 0, 0), 0.0)
    items = stream.frames(frames_of(old, 5), list(np.repeat(np.arange(200) * 0.05 + 0.05, 1)))
    # The old run's last frame came at 10 s; at 20 s the ball says it restarted and has
    # taken 300 samples (3 s) since: it was off for ≈ 7 s.
    items += stream.status(status(8, 0, 300), 20.0)
    new = make_raw(400, seed=3)
    items += stream.frames(frames_of(new, 5), [20.1] * 80)
    blocks, gaps = blocks_and_gaps(items)
    [gap] = gaps
    assert (gap.first_index, gap.end_index, gap.cause) == (1000, 1700, "restart")
    assert gap.duration_s == pytest.approx(7.0)
    assert blocks[-1].end_index == 2100
    idx = np.concatenate([b.samples["index"] for b in blocks])
    assert np.all(np.diff(idx) > 0)
    assert stream.health().restarts == 1
    assert stream.health().lost == 0
    new_raw = np.concatenate([b.raw for b in blocks if b.raw is not None])[1000:]
    assert np.array_equal(new_raw["pressure_raw"], new["pressure_raw"])
