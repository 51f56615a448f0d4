"""What the runner screen shows at one instant: a pure function of the plan, the status and the position."""

from __future__ import annotations

import math

from tracker.model import Phase, Side
from tracker.plan import Plan
from tracker.runner.records import _EPS, RunnerView, Status


def make_view(plan: Plan, status: Status, cursor: int, position: float, elapsed: float) -> RunnerView:
    """The view at timeline `position` with the cursor on segment `cursor` (len(segments) once finished)."""
    segments = plan.segments
    blocks = plan.blocks
    routine = plan.routine
    total = plan.total
    finished = cursor >= len(segments)
    index = min(cursor, len(segments) - 1)
    if index < 0:  # nothing to run
        return RunnerView(
            status,
            0,
            0,
            "",
            routine.name,
            "",
            Side.NONE,
            0,
            0,
            None,
            None,
            None,
            None,
            0.0,
            elapsed,
            1.0 if status in ("finished", "stopped", "hurt") else 0.0,
            None,
            None,
            (),
            status == "paused",
            step_number=0,
            blocks=0,
            block=0,
            rounds=max(1, routine.repeats),
        )
    seg = segments[index]
    block = blocks[seg.block]
    pos = position
    observing = seg.phase is Phase.OBSERVE and not finished
    pos_in_seg = min(max(pos - seg.start, 0.0), seg.end - seg.start)
    phase: Phase | None = None if finished else seg.phase
    count = counts = None
    phase_left: float | None = None
    if not finished and not observing:
        phase_left = max(0.0, seg.end - seg.start - pos_in_seg)
        if seg.counts is not None and seg.unit_len > 0:
            counts = seg.counts
            count = min(counts, seg.count_from + int(math.floor(pos_in_seg / seg.unit_len + _EPS)) + 1)
    nxt = blocks[block.position + 1] if block.position + 1 < len(blocks) else None
    observe = block.step.observe if observing else None
    session_left = 0.0 if finished else max(0.0, total - pos)
    progress = 1.0 if finished else (pos / total if total > 0 else 0.0)
    return RunnerView(
        status=status,
        step_index=block.step_index,
        step_count=plan.step_count,
        pose_id=block.step.pose,
        title=block.title,
        cue=seg.cue or block.cue,
        side=seg.side if seg.side is not Side.NONE else block.side,
        rep=seg.rep,
        reps=block.reps,
        phase=phase,
        count=count,
        counts=counts,
        phase_left=phase_left,
        session_left=session_left,
        elapsed=elapsed,
        progress=min(1.0, max(0.0, progress)),
        next_title=nxt.title if nxt else None,
        question=observe.question if observe else None,
        choices=tuple(observe.choices) if observe else (),
        paused=status == "paused",
        step_number=block.step_number,
        unit=None if finished else seg.unit,
        phase_seconds=seg.end - seg.start,
        next_side=nxt.side if nxt else None,
        round=block.round,
        rounds=max(1, routine.repeats),
        block=block.position + 1,
        blocks=len(blocks),
    )
