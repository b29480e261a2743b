"""Who gets the speaker: the pure pre-emption policy."""

from __future__ import annotations

from spineball.cues import CATALOGUE, Cue, CueKind
from spineball.cues.arbiter import STALE_PENDING_S, Arbiter


def cue(kind: CueKind, t: float = 0.0, **details: str) -> Cue:
    fill = {"level": "T6", "side": "left", "symptom": "tingling", **details}
    return CATALOGUE[kind].make(t, fill)


def test_urgent_interrupts_routine_and_clears_the_routine_waiting() -> None:
    a = Arbiter()
    spot, side, red = cue(CueKind.NEW_SPOT), cue(CueKind.SIDE_BEND_OTHER), cue(CueKind.LUMBAR_RED)
    assert a.offer(spot, 0.0) == "play"
    assert a.offer(side, 0.1) == "pending"
    assert a.offer(red, 0.2) == "interrupt"
    assert a.playing is red
    assert a.pending is None
    assert a.finished(spot, 0.3) is None  # the interrupted one ends: nothing to start
    assert a.finished(red, 2.0) is None


def test_routine_never_waits_behind_urgent() -> None:
    a = Arbiter()
    red = cue(CueKind.LUMBAR_RED)
    assert a.offer(red, 0.0) == "play"
    assert a.offer(cue(CueKind.PAIN_TARGET), 0.1) == "drop"
    assert a.offer(cue(CueKind.LUMBAR_RED, 3.0), 0.2) == "drop"  # a repeat of what is playing
    lost = cue(CueKind.LINK_LOST)
    assert a.offer(lost, 0.3) == "pending"  # another urgent kind, less important: right after
    assert a.offer(cue(CueKind.NEW_SPOT), 0.4) == "drop"
    assert a.finished(red, 1.0) is lost


def test_more_important_urgent_interrupts_urgent() -> None:
    a = Arbiter()
    red, stop = cue(CueKind.LUMBAR_RED), cue(CueKind.SYMPTOM_STOP)
    a.offer(red, 0.0)
    assert a.offer(stop, 0.1) == "interrupt"
    assert a.offer(cue(CueKind.LUMBAR_AMBER), 0.2) == "pending"
    assert (
        a.offer(cue(CueKind.LINK_LOST), 0.3) == "drop"
    )  # the waiting slot holds a more important one


def test_routine_cues_merge_into_one_waiting_slot_and_go_stale() -> None:
    a = Arbiter()
    first = cue(CueKind.NEW_SPOT, 0.0)
    a.offer(first, 0.0)
    assert a.offer(cue(CueKind.SIDE_BEND_BOTH, 1.0), 1.0) == "pending"
    target = cue(CueKind.PAIN_TARGET, 2.0)
    assert a.offer(target, 2.0) == "pending"  # normal beats info
    assert a.offer(cue(CueKind.NEW_SPOT, 3.0), 3.0) == "drop"  # info does not beat normal
    assert a.finished(first, 4.0) is target
    a.offer(cue(CueKind.PLAN_REACHED, 4.5), 4.5)
    assert a.finished(target, 4.5 + STALE_PENDING_S + 0.1) is None  # too late to be useful
