"""Live and backfill frames → one ordered stream of sample blocks and gaps.

:class:`StreamAssembler` is the synchronous core of the stream (no asyncio,
no I/O): it decodes notification payloads, unwraps indices, estimates the
timebase, merges live and backfill samples by index, tracks holes and turns
them into gaps, and returns :data:`StreamItem`s strictly in index order —
every index exactly once, either inside a :class:`SampleBlock` or inside a
:class:`Gap`.

Holes. Samples after a missing index are *held* (not emitted) while the hole
is pending, so consumers never see data out of order. A hole ends when
backfill fills it, or becomes a gap when the ball answers ``PARTIAL`` (the
exact span it no longer has), when the link engine gives up, when the ball
restarts, at :meth:`StreamAssembler.finish`, or when no backfill progress was
seen for ``hold_timeout_s`` (or more than ``max_held_samples`` are held). A
confirmed gap is final: samples for it that arrive later are counted as
``late`` and dropped.

Restarts. A Status with a new ``run_id`` means the ball's indices restarted
(START or power-on). The old run's holes become gaps, and the new run is
placed on the session's index line where the host clock says it belongs, with
a ``restart`` gap for the time in between, so indices stay proportional to
time. The link engine must feed the Status it reads after every (re)connect
before that connection's frames.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt

from spineball.protocol import (
    RATE_HZ,
    RAW_SAMPLE_DTYPE,
    BackfillPayload,
    FrameFlags,
    Opcode,
    ProtocolError,
    Rate,
    Response,
    Result,
    Status,
    decode_raw_frames,
    raw_to_decoded,
)
from spineball.samples import SAMPLE_DTYPE, Gap, GapCause, SampleBlock
from spineball.stream.drift import DriftEstimator, Envelope
from spineball.stream.health import LinkHealth
from spineball.stream.timebase import NominalClock, SessionTimebase
from spineball.stream.unwrap import IndexUnwrapper

log = logging.getLogger("spineball.stream")

StreamItem: TypeAlias = SampleBlock | Gap
IntArray = npt.NDArray[np.int64]
RawArray = npt.NDArray[np.void]

_HEADER: Final = 9
_SAMPLE: Final = 9
_RATES: Final = np.array([RATE_HZ[Rate(code)] for code in range(4)], dtype=np.float64)
_VALUE_FIELDS: Final = ("pressure_pa", "temperature_c", "qw", "qx", "qy", "qz")
_LOGGED_MALFORMED: Final = 10  # log every one of the first few, then every 1000th
_DRIFT_UPDATE_PPM: Final = 0.1  # smaller changes move t_s by < 0.4 ms per hour


@dataclass(frozen=True, slots=True)
class Hole:
    """Samples missing now that backfill may still bring: [first_index, end_index).

    ``device_first_index`` is the u32 index to send in ``BACKFILL(from, count)``.
    """

    first_index: int
    end_index: int
    device_first_index: int
    since: float  # host time the hole was noticed

    @property
    def count(self) -> int:
        return self.end_index - self.first_index


@dataclass(slots=True)
class _Counters:
    frames: int = 0
    live_frames: int = 0
    backfill_frames: int = 0
    samples_received: int = 0
    delivered: int = 0
    backfilled: int = 0
    malformed: int = 0
    duplicates: int = 0
    late: int = 0
    lost: int = 0
    gaps: int = 0
    restarts: int = 0


class StreamAssembler:
    def __init__(
        self,
        *,
        start_index: int | None = None,
        hold_timeout_s: float = 10.0,
        max_held_samples: int = 30_000,
        refit_interval_s: float = 10.0,
        min_drift_span_s: float = 30.0,
    ) -> None:
        self.hold_timeout_s = hold_timeout_s
        self.max_held_samples = max_held_samples
        self.refit_interval_s = refit_interval_s
        self._min_drift_span_s = min_drift_span_s
        self._run_id: int | None = None
        self._unwrap = IndexUnwrapper()
        self._nominal: NominalClock | None = None
        self._drift = DriftEstimator(min_span_s=min_drift_span_s)
        self._envelope: Envelope | None = None
        self._timebase = SessionTimebase()
        self._last_fit = -np.inf
        self._next_emit: int | None = start_index
        self._held_idx: IntArray = np.empty(0, dtype=np.int64)
        self._held_raw: RawArray = np.empty(0, dtype=RAW_SAMPLE_DTYPE)
        self._confirmed: list[tuple[int, int, GapCause]] = []
        self._hole_since: dict[int, float] = {}
        self._last_progress = -np.inf
        self._max_seen: int | None = None
        self._last_live: tuple[int, float] | None = None  # newest live index, its arrival
        self._recent_gaps: deque[tuple[int, int]] = deque(maxlen=64)
        self._delays_ms: deque[float] = deque(maxlen=200)
        self._finished = False
        self._c = _Counters()
        self._last_error: str | None = None

    # ------------------------------------------------------------------ inputs

    def frames(
        self, payloads: Sequence[bytes | bytearray | memoryview], host_times: Sequence[float]
    ) -> list[StreamItem]:
        """Samples-characteristic notifications and their host arrival times."""
        if self._finished or not payloads:
            return []
        raw, counts, times = self._decode(payloads, host_times)
        now = float(max(host_times))
        if len(counts) == 0:
            return self._advance(now)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        flags = raw["flags"][starts].astype(np.int64)
        first = self._unwrap.unwrap(raw["index"][starts])
        offsets = np.arange(len(raw)) - np.repeat(starts, counts)
        indices = np.repeat(first, counts) + offsets
        live = (flags & FrameFlags.BACKFILL) == 0
        self._c.frames += len(counts)
        self._c.live_frames += int(live.sum())
        self._c.backfill_frames += int((~live).sum())
        self._c.samples_received += len(raw)
        if not live.all():
            self._last_progress = max(self._last_progress, now)
        self._observe_live(first[live], counts[live], (flags[live] >> 4) & 3, times[live])
        raw = raw.copy()
        raw["flags"] &= np.uint8(0xFF ^ FrameFlags.BACKFILL_END)  # framing, not sample data
        self._merge(indices, raw)
        self._maybe_refit(now)
        return self._advance(now)

    def status(self, status: Status, host_time: float) -> list[StreamItem]:
        """A Status read or notification; a new ``run_id`` starts a new run."""
        if self._finished:
            return []
        if self._run_id is None or status.run_id == self._run_id:
            self._run_id = status.run_id
            return self._advance(host_time)
        return self._restart(status, host_time)

    def backfill_response(
        self, from_index: int, response: Response, host_time: float
    ) -> list[StreamItem]:
        """The ball's answer to ``BACKFILL(from_index, …)`` (from_index as sent, u32)."""
        if response.op != Opcode.BACKFILL:
            raise ValueError(f"{response.op.name} response is not an answer to BACKFILL")
        if self._finished:
            return []
        self._last_progress = max(self._last_progress, host_time)
        payload = response.payload
        if response.result == Result.PARTIAL and isinstance(payload, BackfillPayload):
            start = self._unwrap.unwrap_one(from_index)
            available = self._unwrap.unwrap_one(payload.first)
            self._confirm(start, available, "overwritten")
        elif response.result != Result.OK:
            log.info("BACKFILL from %d answered %s", from_index, response.result.name)
        return self._advance(host_time)

    def give_up(self, host_time: float) -> list[StreamItem]:
        """The link engine will not ask for the pending holes again: they become gaps."""
        self._confirm_holes("unanswered")
        return self._advance(host_time)

    def tick(self, host_time: float) -> list[StreamItem]:
        """Time passes: refit the drift, apply the hold timeout."""
        if self._finished:
            return []
        self._maybe_refit(host_time)
        return self._advance(host_time)

    def finish(self, host_time: float, end_device_index: int | None = None) -> list[StreamItem]:
        """End of session: pending holes become gaps; everything held is emitted.

        ``end_device_index`` (e.g. STOP's ``next_index``) records never-received
        samples at the tail as a gap too.
        """
        if self._finished:
            return []
        self._confirm_holes("unanswered")
        if end_device_index is not None and self._max_seen is not None:
            end = self._unwrap.unwrap_one(end_device_index)
            self._confirm(self._max_seen + 1, end, "unanswered")
        items = self._advance(host_time)
        self._finished = True
        return items

    # ------------------------------------------------------------------ queries

    @property
    def finished(self) -> bool:
        return self._finished

    def next_needed_index(self) -> int | None:
        """The u32 device index to ask ``BACKFILL`` from (None before any data).

        The first missing sample if a hole is pending, else the one after the
        newest received — after a reconnect, ``BACKFILL(next_needed_index(), 0)``.
        """
        holes = self.pending_holes()
        if holes:
            return holes[0].device_first_index
        if self._max_seen is not None:
            return self._unwrap.wrap(max(self._max_seen + 1, self._next_emit or 0))
        if self._next_emit is not None:
            return self._unwrap.wrap(self._next_emit)
        return None

    @property
    def last_contiguous_index(self) -> int | None:
        """Newest session index with everything up to it delivered or a gap."""
        return None if self._next_emit is None else self._next_emit - 1

    def pending_holes(self) -> list[Hole]:
        held = self._held_idx
        if len(held) == 0 or self._next_emit is None:
            return []
        previous = np.concatenate(([self._next_emit - 1], held[:-1]))
        where = np.flatnonzero(held - previous > 1)
        holes = []
        for start, end in zip((previous[where] + 1).tolist(), held[where].tolist(), strict=True):
            for a, b in self._subtract_confirmed(start, end):
                since = self._hole_since.get(a, np.inf)
                holes.append(Hole(a, b, self._unwrap.wrap(a), since))
        return holes

    def session_time(self, host_time: float) -> float:
        """Session time (``t_s``) of a host-clock moment, e.g. when the user rated pain."""
        if self._last_live is None or self._nominal is None:
            return 0.0
        index, arrival = self._last_live
        reference = arrival
        if self._envelope is not None:
            reference = self._envelope.host_time(float(self._nominal.x(np.array([index]))[0]))
        t_ref = self._timebase.time(index)
        return (0.0 if t_ref is None else t_ref) + (host_time - reference)

    def health(self) -> LinkHealth:
        holes = self.pending_holes()
        return LinkHealth(
            **asdict(self._c),
            pending=sum(h.count for h in holes),
            held=len(self._held_idx),
            drift_ppm=None if self._envelope is None else self._timebase.drift_ppm,
            excess_delay_ms=float(np.median(self._delays_ms)) if self._delays_ms else None,
            last_error=self._last_error,
        )

    # ------------------------------------------------------------------ decoding

    def _decode(
        self, payloads: Sequence[bytes | bytearray | memoryview], host_times: Sequence[float]
    ) -> tuple[RawArray, npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        times = np.asarray(host_times, dtype=np.float64)
        try:
            raw = decode_raw_frames(payloads)
            good = list(range(len(payloads)))
        except ProtocolError:
            # One bad frame must not cost the good ones: decode frame by frame.
            parts, good = [], []
            for i, payload in enumerate(payloads):
                try:
                    parts.append(decode_raw_frames([payload]))
                    good.append(i)
                except ProtocolError as err:
                    self._report_malformed(len(payload), err)
            raw = np.concatenate(parts) if parts else np.empty(0, dtype=RAW_SAMPLE_DTYPE)
        lengths = np.array([len(payloads[i]) for i in good], dtype=np.intp)
        return raw, (lengths - _HEADER) // _SAMPLE, times[good]

    def _report_malformed(self, length: int, err: ProtocolError) -> None:
        self._c.malformed += 1
        count = self._c.malformed
        self._last_error = f"malformed sample frame ({length} bytes): {err}"
        if count <= _LOGGED_MALFORMED or count % 1000 == 0:
            log.warning("%s; dropped (%d malformed so far)", self._last_error, count)

    # ------------------------------------------------------------------ timebase

    def _observe_live(
        self,
        first: IntArray,
        counts: npt.NDArray[np.intp],
        rate_codes: IntArray,
        times: npt.NDArray[np.float64],
    ) -> None:
        if len(first) == 0:
            return
        rates = _RATES[rate_codes]
        if self._nominal is None:
            self._nominal = NominalClock(int(first[0]), float(rates[0]))
        if np.any(rates != self._nominal.rate_hz):
            for index, rate in zip(first.tolist(), rates.tolist(), strict=True):
                self._nominal.set_rate(index, rate)
        last = first + counts - 1
        x = self._nominal.x(last)
        self._drift.add(x, times)
        if self._envelope is not None:
            excess = (times - (self._envelope.offset + self._envelope.slope * x)) * 1000.0
            self._delays_ms.extend(excess.tolist())
        newest = int(np.argmax(last))
        if self._last_live is None or int(last[newest]) > self._last_live[0]:
            self._last_live = (int(last[newest]), float(times[newest]))

    def _maybe_refit(self, now: float) -> None:
        if now - self._last_fit < self.refit_interval_s:
            return
        self._last_fit = now
        envelope = self._drift.fit()
        if envelope is None:
            return
        self._envelope = envelope
        if abs(envelope.drift_ppm - self._timebase.drift_ppm) >= _DRIFT_UPDATE_PPM:
            self._timebase.set_slope(envelope.slope)

    # ------------------------------------------------------------------ merging

    def _merge(self, indices: IntArray, raw: RawArray) -> None:
        if self._next_emit is None:
            self._next_emit = int(indices.min())
        behind = indices < self._next_emit
        if behind.any():
            late = self._count_in_recent_gaps(indices[behind])
            self._c.late += late
            self._c.duplicates += int(behind.sum()) - late
            indices, raw = indices[~behind], raw[~behind]
        if len(indices) == 0:
            return
        all_idx = np.concatenate((self._held_idx, indices))
        all_raw = np.concatenate((self._held_raw, raw))
        order = np.argsort(all_idx, kind="stable")  # held first: the earliest copy wins
        all_idx, all_raw = all_idx[order], all_raw[order]
        unique = np.ones(len(all_idx), dtype=bool)
        unique[1:] = all_idx[1:] != all_idx[:-1]
        self._c.duplicates += int((~unique).sum())
        self._held_idx, self._held_raw = all_idx[unique], all_raw[unique]
        newest = int(self._held_idx[-1])
        self._max_seen = newest if self._max_seen is None else max(self._max_seen, newest)

    def _count_in_recent_gaps(self, indices: IntArray) -> int:
        inside = np.zeros(len(indices), dtype=bool)
        for start, end in self._recent_gaps:
            inside |= (indices >= start) & (indices < end)
        return int(inside.sum())

    def _confirm(self, start: int, end: int, cause: GapCause) -> None:
        if self._next_emit is not None:
            start = max(start, self._next_emit)
        if end > start:
            self._confirmed.append((start, end, cause))
            self._confirmed.sort()

    def _confirm_holes(self, cause: GapCause) -> None:
        for hole in self.pending_holes():
            self._confirm(hole.first_index, hole.end_index, cause)

    def _subtract_confirmed(self, start: int, end: int) -> list[tuple[int, int]]:
        pieces = [(start, end)]
        for c_start, c_end, _ in self._confirmed:
            pieces = [
                piece
                for a, b in pieces
                for piece in ((a, min(b, c_start)), (max(a, c_end), b))
                if piece[1] > piece[0]
            ]
        return pieces

    # ------------------------------------------------------------------ emitting

    def _advance(self, now: float) -> list[StreamItem]:
        items: list[StreamItem] = []
        while True:
            self._emit_ready(items)
            if not self._expire_first_hole(now):
                break
        self._note_holes(now)
        return items

    def _emit_ready(self, items: list[StreamItem]) -> None:
        while self._next_emit is not None:
            ne = self._next_emit
            self._confirmed = [c for c in self._confirmed if c[1] > ne]
            held = self._held_idx
            if len(held) and held[0] == ne:
                steps = held - np.arange(ne, ne + len(held))
                run = int(np.argmax(steps != 0)) if np.any(steps != 0) else len(held)
                flags = self._held_raw["flags"][:run]
                changes = np.flatnonzero(flags != flags[0])
                run = int(changes[0]) if len(changes) else run
                items.append(self._block(held[:run], self._held_raw[:run]))
                self._held_idx, self._held_raw = held[run:], self._held_raw[run:]
                self._next_emit = ne + run
                continue
            cover = next((c for c in self._confirmed if c[0] <= ne), None)
            if cover is None:
                return
            end = cover[1] if len(held) == 0 else min(cover[1], int(held[0]))
            items.append(self._gap(ne, end, cover[2]))
            self._next_emit = end

    def _expire_first_hole(self, now: float) -> bool:
        if len(self._held_idx) == 0 or self._next_emit is None:
            return False
        start, end = self._next_emit, int(self._held_idx[0])
        since = max(self._hole_since.get(start, now), self._last_progress)
        if now - since >= self.hold_timeout_s or len(self._held_idx) > self.max_held_samples:
            self._confirm(start, end, "unanswered")
            return True
        return False

    def _note_holes(self, now: float) -> None:
        starts = {hole.first_index for hole in self.pending_holes()}
        self._hole_since = {s: self._hole_since.get(s, now) for s in starts}

    def _rate_hint(self) -> float:
        if len(self._held_raw):
            return float(_RATES[(int(self._held_raw["flags"][0]) >> 4) & 3])
        return self._nominal.rate_hz if self._nominal is not None else 100.0

    def _block(self, indices: IntArray, raw: RawArray) -> SampleBlock:
        flags = int(raw["flags"][0])
        rate_hz = float(_RATES[(flags >> 4) & 3])
        clock = self._timebase.clock_for(int(indices[0]), rate_hz)
        decoded = raw_to_decoded(raw)
        samples = np.empty(len(indices), dtype=SAMPLE_DTYPE)
        samples["index"] = indices
        samples["t_s"] = clock.times(indices)
        for name in _VALUE_FIELDS:
            samples[name] = decoded[name]
        backfill = bool(flags & FrameFlags.BACKFILL)
        self._c.delivered += len(indices)
        if backfill:
            self._c.backfilled += len(indices)
        return SampleBlock(
            samples, rate_hz, "backfill" if backfill else "live", raw=raw.copy(), clock=clock
        )

    def _gap(self, start: int, end: int, cause: GapCause) -> Gap:
        clock = self._timebase.clock_for(start, self._rate_hint())
        self._c.gaps += 1
        if cause != "restart":
            self._c.lost += end - start
        self._recent_gaps.append((start, end))
        return Gap(start, end, clock.time(start), clock.time(end), cause)

    # ------------------------------------------------------------------ restarts

    def _restart(self, status: Status, now: float) -> list[StreamItem]:
        self._c.restarts += 1
        log.info("ball restarted (run %s → %d): new index run", self._run_id, status.run_id)
        if self._max_seen is None:
            # Nothing received from the old run (e.g. START right after connecting): no gap.
            self._new_run(status, 0)
            return []
        self._confirm_holes("lost")
        items = self._advance(now)
        old_end = self._next_emit if self._next_emit is not None else 0
        if self._max_seen is not None:
            old_end = max(old_end, self._max_seen + 1)
        expected = old_end
        if self._last_live is not None and self._nominal is not None:
            # Where the old run's index line has got to by now, by the host clock.
            index, arrival = self._last_live
            elapsed = max(0.0, now - arrival)
            expected = max(old_end, index + 1 + round(elapsed * self._nominal.rate_hz))
        base = max(old_end - status.oldest_index, expected - status.next_index)
        first_new = base + status.oldest_index
        self._confirm(old_end, first_new, "restart")
        self._new_run(status, base)
        items += self._advance(now)
        return items

    def _new_run(self, status: Status, base: int) -> None:
        self._run_id = status.run_id
        self._unwrap = IndexUnwrapper(base, status.next_index)
        self._nominal = NominalClock(base, float(RATE_HZ[status.rate]))
        self._drift = DriftEstimator(min_span_s=self._min_drift_span_s)
        self._envelope = None
        self._last_live = None
        self._last_fit = -np.inf
