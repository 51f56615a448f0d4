"""The session runner: a state machine over a routine, driven by a clock.

The runner never counts ticks. At `start()` the routine is expanded into a
flat timeline of segments (one phase of one rep of one side of one step
occurrence: raise, hold, lower, breathe, flow, rest, observe), each with an
exact start and end offset. The position in the session is

    position = now - anchor

found in the timeline by a cursor that only moves forward between controls. Pause, resume,
skip, back and answering a question re-anchor, so the timeline stays the
single source of truth and a late or missed poll can never shift the end:
the end of a phase is always `anchor + segment.end`.

Navigation unit ("block"): one side of one step occurrence. A step done on
both sides is two blocks (left, then right); step repeats and routine
repeats are further blocks. `skip()` goes to the next block's start,
`back()` to the start of the current block (if more than `BACK_GRACE`
seconds in) or of the previous block. `results()` has one `StepResult` per
block, in timeline order.

Clock jumps (the rule). The runner reads the injected clock (monotonic
seconds; `time.monotonic` in production) and works on an "effective" time
that never runs backwards and skips suspends:

* the clock going backwards is ignored: no progress, nothing rewinds;
* while running or observing, a gap between two reads larger than
  `SUSPEND_GAP` (5 s) is taken for a suspend (laptop lid, stopped process):
  only `SUSPEND_CREDIT` (2 s) of it counts as progress, the rest is counted
  as paused time (excluded from the active duration, the timeline does not
  move). Gaps up to 5 s count in full, so late ticks never shift the end.
  The UI therefore polls at least every few seconds while running;
  `next_change()` never asks it to sleep more than about a second.

The active duration (`RunResult.duration`) is the time spent running or
answering questions, without pauses and suspends. Observation steps take no
time in the plan (they wait for an answer), so a session without pauses,
skips or questions lasts exactly `planned_seconds`.

No Textual here (core module).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Literal, Mapping

from .plan import Block, Segment, Unit, make_plan
from .model import (
    HurtAt,
    Phase,
    Pose,
    Routine,
    Settings,
    Side,
    StepKind,
    StepResult,
)

__all__ = [
    "BACK_GRACE",
    "SUSPEND_CREDIT",
    "SUSPEND_GAP",
    "Clock",
    "Cue",
    "RunResult",
    "Runner",
    "RunnerView",
    "Status",
]

Clock = Callable[[], float]
Status = Literal["ready", "running", "paused", "observing", "finished", "stopped", "hurt"]
CueKind = Literal["phase", "side", "step", "count", "end", "hurt"]

SUSPEND_GAP = 5.0  # a gap between two clock reads longer than this is a suspend ...
SUSPEND_CREDIT = 2.0  # ... of which only this much counts as progress
BACK_GRACE = 2.0  # back() restarts the current block when more than this far into it

_EPS = 1e-9  # float slack when comparing positions with boundaries

PHASE_WORDS: Mapping[Phase, str] = {
    Phase.RAISE: "Raise",
    Phase.LOWER: "Lower",
    Phase.HOLD: "Hold",
    Phase.BREATHE: "Breathe",
    Phase.FLOW: "Flow",
    Phase.REST: "Rest",
    Phase.OBSERVE: "Notice",
}


@dataclass(frozen=True, slots=True)
class Cue:
    """An event for sound or voice, returned once by `Runner.poll()`.

    `at` is the clock time (same clock as the runner's) when it was due; a
    late poll may return cues slightly in the past, in order.
    """

    kind: CueKind
    phase: Phase | None
    text: str
    at: float
    count: int | None = None  # for "count" cues: the count just begun (1-based)
    step_index: int | None = None  # position in the routine of the step concerned


@dataclass(frozen=True, slots=True)
class RunnerView:
    """Everything the runner screen shows at one instant."""

    status: Status
    step_index: int  # position of the step in routine.steps (as in StepResult.index / HurtAt.step)
    step_count: int  # steps that run (optional steps left out)
    pose_id: str
    title: str
    cue: str
    side: Side
    rep: int  # 1-based
    reps: int
    phase: Phase | None
    count: int | None  # "3 of 4": count=3, counts=4; None for phases shown in seconds
    counts: int | None
    phase_left: float | None  # seconds left in the phase; None while observing / finished
    session_left: float  # seconds left in the plan from here (observations take none)
    elapsed: float  # active seconds so far (pauses excluded)
    progress: float  # 0..1 through the timeline
    next_title: str | None  # what comes after this block; None at the last one
    question: str | None
    choices: tuple[str, ...]
    paused: bool
    # Extras beyond docs/architecture.md:
    step_number: int = 1  # 1-based position among the steps that run ("step 3 of 12")
    unit: Unit | None = None  # how the phase is counted: counts, breaths or seconds
    phase_seconds: float = 0.0  # length of the whole phase, for a bar
    next_side: Side | None = None
    round: int = 1  # routine repeat, 1-based
    rounds: int = 1
    block: int = 1  # 1-based position in the expanded timeline (one side of one step occurrence)
    blocks: int = 1


@dataclass(frozen=True, slots=True)
class RunResult:
    steps: tuple[StepResult, ...]  # one per block (side of a step occurrence), in timeline order
    duration: float  # active seconds, pauses and suspends excluded
    completed: bool  # reached the end, no step skipped (observations may be skipped)
    hurt_at: HurtAt | None
    answers: dict[str, str]  # observation key -> answer
    planned: float = 0.0  # Runner.planned_seconds
    paused: float = 0.0  # seconds paused (suspends included)


@dataclass(slots=True)
class _Block:
    """A planned block (tracker.plan.Block) and what happened in it."""

    plan: Block
    seconds: float = 0.0
    reps_done: int = 0
    completed: bool = False
    skipped: bool = False
    answer: str | None = None


class Runner:
    """Runs one routine against a clock; the UI polls it.

    `poll()` advances to `clock()` and returns the cue events since the last
    poll; `view()` says what to show; `next_change()` says when to look again.
    """

    def __init__(
        self,
        routine: Routine,
        poses: Mapping[str, Pose],
        settings: Settings,
        clock: Clock,
        *,
        count_cues: bool = False,
    ) -> None:
        self.routine = routine
        self.poses = poses
        self.settings = settings
        self.clock = clock
        self.count_cues = count_cues
        self.plan = make_plan(routine, settings, poses)  # the timeline: tracker.plan, the one tempo rule
        self._segments = self.plan.segments
        self._blocks = [_Block(block) for block in self.plan.blocks]
        self._starts = self.plan.starts
        self._total = self.plan.total
        self._step_count = self.plan.step_count

        self._status: Status = "ready"
        self._cursor = 0  # current segment index (len(segments) once finished)
        self._anchor = 0.0  # effective time of timeline position 0, while running
        self._frozen = 0.0  # timeline position while paused / observing
        self._resume_to: Status = "running"  # what resume() goes back to
        self._skew = 0.0  # effective time = clock() + skew
        self._last_raw: float | None = None
        self._eff = 0.0  # effective time at the last read
        self._start_eff = 0.0
        self._end_eff: float | None = None
        self._paused_since = 0.0
        self._paused_total = 0.0
        self._suspended = 0.0
        self._mark = 0.0  # effective time up to which active time was credited to a block
        self._last_count: tuple[int, int] | None = None  # (segment, count) of the last count cue
        self._cues: list[Cue] = []
        self._answers: dict[str, str] = {}
        self._hurt_at: HurtAt | None = None

    @property
    def planned_seconds(self) -> float:
        """Length of the timeline: the session without pauses, skips or questions."""
        return self._total

    # ------------------------------------------------------------------ state

    @property
    def status(self) -> Status:
        return self._status

    @property
    def done(self) -> bool:
        return self._status in ("finished", "stopped", "hurt")

    def _read(self) -> float:
        """Read the clock, apply the jump rule, return the effective time."""
        raw = float(self.clock())
        if self._last_raw is None:
            self._last_raw = raw
            self._eff = raw + self._skew
            return self._eff
        gap = raw - self._last_raw
        if gap < 0:
            self._skew -= gap  # backwards: no progress, nothing rewinds
        elif gap > SUSPEND_GAP and self._status in ("running", "observing"):
            lost = gap - SUSPEND_CREDIT
            self._skew -= lost
            self._suspended += lost
        self._last_raw = raw
        self._eff = raw + self._skew
        return self._eff

    def _raw(self, eff: float) -> float:
        return eff - self._skew

    def _position(self) -> float:
        if self._status == "running":
            return self._eff - self._anchor
        if self._status in ("ready",):
            return 0.0
        if self._end_eff is not None and self._cursor >= len(self._segments):
            return self._total
        return self._frozen

    def _active(self, eff: float) -> float:
        if self._status == "ready":
            return 0.0
        if self._end_eff is not None:
            eff = self._end_eff
        paused = self._paused_total
        if self._status == "paused":
            paused += eff - self._paused_since
        return max(0.0, eff - self._start_eff - paused)

    def _emit(self, kind: CueKind, phase: Phase | None, text: str, eff: float, count: int | None = None, step_index: int | None = None) -> None:
        self._cues.append(Cue(kind, phase, text, self._raw(eff), count, step_index))

    def _credit(self, until: float) -> None:
        """Credit active time since the last mark to the current block."""
        if self._cursor < len(self._segments):
            block = self._blocks[self._segments[self._cursor].block]
            if until > self._mark:
                block.seconds += until - self._mark
        self._mark = max(self._mark, until)

    def _enter(self, index: int, eff: float, previous: Segment | None) -> None:
        """Make segment `index` current at effective time `eff`, emitting its cues."""
        self._cursor = index
        self._last_count = None
        if index >= len(self._segments):
            self._finish(eff)
            return
        seg = self._segments[index]
        block = self._blocks[seg.block]
        new_block = previous is None or previous.block != seg.block
        if new_block:
            prev_block = self._blocks[previous.block] if previous is not None else None
            same_step = (
                prev_block is not None
                and prev_block.plan.step_index == block.plan.step_index
                and prev_block.plan.round == block.plan.round
                and prev_block.plan.step_repeat == block.plan.step_repeat
            )
            if not same_step:
                self._emit("step", seg.phase, block.plan.title, eff, step_index=block.plan.step_index)
            if block.plan.side in (Side.LEFT, Side.RIGHT) and (not same_step or prev_block is None or prev_block.plan.side != block.plan.side):
                self._emit("side", seg.phase, f"{block.plan.side.value.capitalize()} side", eff, step_index=block.plan.step_index)
        if seg.phase is Phase.OBSERVE:
            question = block.plan.step.observe.question if block.plan.step.observe else ""
            self._emit("phase", seg.phase, question or PHASE_WORDS[seg.phase], eff, step_index=block.plan.step_index)
            self._status = "observing"
            self._frozen = seg.start
            return
        self._emit("phase", seg.phase, PHASE_WORDS[seg.phase], eff, step_index=block.plan.step_index)
        self._count_cue(seg, index, 0.0, eff)

    def _count_cue(self, seg: Segment, index: int, into: float, eff: float) -> None:
        if not self.count_cues or seg.counts is None or seg.unit_len <= 0:
            return
        count = min(seg.counts, int(math.floor(into / seg.unit_len + _EPS)) + 1)
        last = self._last_count
        first = 1 if last is None or last[0] != index else last[1] + 1
        for c in range(first, count + 1):
            at = self._anchor + seg.start + (c - 1) * seg.unit_len
            self._emit("count", seg.phase, str(c), at, count=c, step_index=self._blocks[seg.block].plan.step_index)
        if last is None or last[0] != index or count > last[1]:
            self._last_count = (index, count)

    def _finish(self, eff: float) -> None:
        self._cursor = len(self._segments)
        self._status = "finished"
        self._end_eff = eff
        self._mark = max(self._mark, eff)
        self._emit("end", None, "Session complete", eff)

    def _advance(self) -> float:
        """Read the clock and move the cursor to where the timeline says we are."""
        eff = self._read()
        if self._status != "running":
            return eff
        segments = self._segments
        while self._cursor < len(segments):
            seg = segments[self._cursor]
            pos = eff - self._anchor
            if pos < seg.end - _EPS:
                self._count_cue(seg, self._cursor, pos - seg.start, eff)
                break
            boundary = self._anchor + seg.end
            block = self._blocks[seg.block]
            if seg.rep_end:
                block.reps_done = max(block.reps_done, seg.rep)
            nxt = self._cursor + 1
            if nxt >= len(segments) or segments[nxt].block != seg.block:
                self._credit(boundary)
                block.completed = True
                block.skipped = False
            self._count_cue(seg, self._cursor, seg.end - seg.start, boundary)
            self._enter(nxt, boundary, seg)
            if self._status != "running":
                break
        return eff

    # ------------------------------------------------------------------ controls

    def start(self) -> None:
        if self._status != "ready":
            return
        eff = self._read()
        self._start_eff = eff
        self._anchor = eff
        self._mark = eff
        self._status = "running"
        if not self._segments:
            self._finish(eff)
            return
        self._enter(0, eff, None)
        self._advance()

    def poll(self) -> list[Cue]:
        """Advance to now; return the cue events since the last poll, each once."""
        self._advance()
        cues, self._cues = self._cues, []
        return cues

    def pause(self) -> None:
        eff = self._advance()
        if self._status not in ("running", "observing"):
            return
        self._credit(eff)
        if self._status == "running":
            self._frozen = eff - self._anchor
        self._resume_to = self._status
        self._paused_since = eff
        self._status = "paused"

    def resume(self) -> None:
        eff = self._advance()
        if self._status != "paused":
            return
        self._paused_total += eff - self._paused_since
        self._mark = eff
        self._status = self._resume_to
        if self._status == "running":
            self._anchor = eff - self._frozen

    def toggle_pause(self) -> None:
        if self._status == "paused":
            self.resume()
        else:
            self.pause()

    def _current_block(self) -> _Block | None:
        if 0 <= self._cursor < len(self._segments):
            return self._blocks[self._segments[self._cursor].block]
        return None

    def _jump(self, target_block: int | None, eff: float) -> None:
        """Re-anchor the timeline at the start of `target_block` (None: the end)."""
        was_paused = self._status == "paused"
        if was_paused:
            self._paused_total += eff - self._paused_since
        self._mark = eff
        if target_block is None:
            self._finish(eff)
            return
        block = self._blocks[target_block]
        self._anchor = eff - block.plan.start
        self._frozen = block.plan.start
        self._status = "running"
        # Landing on a block (even the same one, restarted) announces its step and side again.
        self._enter(block.plan.first, eff, None)
        if was_paused and self._status == "running":
            self._resume_to = "running"
            self._paused_since = eff
            self._frozen = block.plan.start
            self._status = "paused"
        elif was_paused and self._status == "observing":
            self._resume_to = "observing"
            self._paused_since = eff
            self._status = "paused"

    def _block_to_leave(self) -> tuple[_Block | None, float]:
        """For skip/back: the block being left (None when nothing runs), time credited up to now."""
        eff = self._advance()
        if self._status not in ("running", "paused", "observing"):
            return None, eff
        block = self._current_block()
        if block is not None and self._status != "paused":
            self._credit(eff)
        return block, eff

    def skip(self) -> None:
        """Leave the current block (or question) for the start of the next one."""
        block, eff = self._block_to_leave()
        if block is None:
            return
        if not block.completed:
            block.skipped = True
        nxt = block.plan.position + 1
        self._jump(nxt if nxt < len(self._blocks) else None, eff)

    def back(self) -> None:
        """Back to the start of this block if more than BACK_GRACE s into it, else to the previous block."""
        block, eff = self._block_to_leave()
        if block is None:
            return
        into = self._position() - block.plan.start
        target = block.plan.position if into > BACK_GRACE else max(0, block.plan.position - 1)
        self._jump(target, eff)

    def stop(self) -> None:
        eff = self._advance()
        if self.done or self._status == "ready":
            if self._status == "ready":
                self._status = "stopped"
                self._start_eff = self._end_eff = eff
            return
        self._end_at(eff)
        self._status = "stopped"

    def _end_at(self, eff: float) -> None:
        if self._status == "paused":
            self._paused_total += eff - self._paused_since
        else:
            self._credit(eff)
        if self._status == "running":
            self._frozen = eff - self._anchor
        self._end_eff = eff

    def hurt(self) -> HurtAt:
        """Stop at once and record where it hurt."""
        if self._hurt_at is not None:
            return self._hurt_at
        eff = self._advance()
        index = min(self._cursor, len(self._segments) - 1)
        if index < 0:
            at = HurtAt(0, "", Side.NONE, 1, Phase.REST)
        else:
            seg = self._segments[index]
            block = self._blocks[seg.block]
            at = HurtAt(block.plan.step_index, block.plan.step.pose, block.plan.side, seg.rep, seg.phase)
        if self._status == "ready":
            self._start_eff = self._mark = eff
        if not self.done:
            self._end_at(eff)
        self._hurt_at = at
        self._status = "hurt"
        self._emit("hurt", at.phase, "Stopped. Rest now.", eff, step_index=at.step)
        return at

    def answer(self, text: str) -> None:
        """Answer the waiting question and go on."""
        eff = self._advance()
        paused_in_question = self._status == "paused" and self._resume_to == "observing"
        if self._status != "observing" and not paused_in_question:
            raise RuntimeError("no question is waiting for an answer")
        if paused_in_question:
            self._paused_total += eff - self._paused_since
            self._mark = eff
            self._status = "observing"
        seg = self._segments[self._cursor]
        block = self._blocks[seg.block]
        self._credit(eff)
        block.answer = text
        block.reps_done = 1
        block.completed = True
        block.skipped = False
        key = block.plan.step.observe.key if block.plan.step.observe else ""
        if key:
            self._answers[key] = text
        self._status = "running"
        self._anchor = eff - seg.start
        self._enter(self._cursor + 1, eff, seg)
        self._advance()

    # ------------------------------------------------------------------ reading

    def next_change(self) -> float | None:
        """Clock time of the next visible change: a count, a phase, or a shown second."""
        eff = self._advance()
        if self._status not in ("running", "observing"):
            return None
        candidates: list[float] = []
        elapsed = self._active(eff)
        candidates.append(eff + _next_up(elapsed))
        if self._status == "running" and self._cursor < len(self._segments):
            seg = self._segments[self._cursor]
            pos = eff - self._anchor
            into = pos - seg.start
            candidates.append(self._anchor + seg.end)
            if seg.unit_len > 0:
                k = math.floor(into / seg.unit_len + _EPS) + 1
                candidates.append(self._anchor + seg.start + k * seg.unit_len)
            candidates.append(eff + _next_down(seg.end - pos))
            candidates.append(eff + _next_down(self._total - pos))
        future = [c for c in candidates if c > eff + 1e-6]
        return self._raw(min(future)) if future else self._raw(eff + 1.0)

    def view(self) -> RunnerView:
        """What to show now. Advances like poll() but keeps the cues for poll()."""
        eff = self._advance()
        segments = self._segments
        finished = self._cursor >= len(segments)
        index = min(self._cursor, len(segments) - 1)
        elapsed = self._active(eff)
        if index < 0:  # nothing to run
            return RunnerView(
                self._status, 0, 0, "", self.routine.name, "", Side.NONE, 0, 0, None, None, None, None,
                0.0, elapsed, 1.0 if self.done else 0.0, None, None, (), self._status == "paused",
                step_number=0, blocks=0, block=0, rounds=max(1, self.routine.repeats),
            )
        seg = segments[index]
        block = self._blocks[seg.block]
        pos = min(max(self._position(), 0.0), self._total)
        observing = seg.phase is Phase.OBSERVE and not finished
        pos_in_seg = min(max(pos - seg.start, 0.0), seg.end - seg.start)
        phase: Phase | None = None if finished else seg.phase
        count = counts = None
        phase_left: float | None = None
        if not finished and not observing:
            phase_left = max(0.0, seg.end - seg.start - pos_in_seg)
            if seg.counts is not None and seg.unit_len > 0:
                counts = seg.counts
                count = min(counts, int(math.floor(pos_in_seg / seg.unit_len + _EPS)) + 1)
        nxt = self._blocks[block.plan.position + 1] if block.plan.position + 1 < len(self._blocks) else None
        observe = block.plan.step.observe if observing else None
        session_left = 0.0 if finished else max(0.0, self._total - pos)
        progress = 1.0 if finished else (pos / self._total if self._total > 0 else 0.0)
        return RunnerView(
            status=self._status,
            step_index=block.plan.step_index,
            step_count=self._step_count,
            pose_id=block.plan.step.pose,
            title=block.plan.title,
            cue=block.plan.cue,
            side=block.plan.side,
            rep=seg.rep,
            reps=block.plan.reps,
            phase=phase,
            count=count,
            counts=counts,
            phase_left=phase_left,
            session_left=session_left,
            elapsed=elapsed,
            progress=min(1.0, max(0.0, progress)),
            next_title=nxt.plan.title if nxt else None,
            question=observe.question if observe else None,
            choices=tuple(observe.choices) if observe else (),
            paused=self._status == "paused",
            step_number=block.plan.step_number,
            unit=None if finished else seg.unit,
            phase_seconds=seg.end - seg.start,
            next_side=nxt.plan.side if nxt else None,
            round=block.plan.round,
            rounds=max(1, self.routine.repeats),
            block=block.plan.position + 1,
            blocks=len(self._blocks),
        )

    def results(self) -> RunResult:
        eff = self._advance()
        steps = tuple(
            StepResult(
                index=b.plan.step_index,
                pose=b.plan.step.pose,
                side=b.plan.side,
                reps_planned=b.plan.reps,
                reps_done=b.reps_done,
                raise_counts=b.plan.step.raise_counts if b.plan.step.kind is StepKind.REPS else 0,
                lower_counts=b.plan.step.lower_counts if b.plan.step.kind is StepKind.REPS else 0,
                hold_seconds=b.plan.hold_seconds,
                seconds=b.seconds + (self._live_credit(eff) if b is self._current_block() else 0.0),
                skipped=b.skipped,
                completed=b.completed,
                answer=b.answer,
                question_key=(b.plan.step.observe.key if b.plan.step.observe else "") if b.answer is not None else "",
            )
            for b in self._blocks
        )
        completed = self._status == "finished" and all(
            b.completed for b in self._blocks if b.plan.step.kind is not StepKind.OBSERVE
        )
        paused = self._paused_total + (eff - self._paused_since if self._status == "paused" else 0.0)
        return RunResult(
            steps=steps,
            duration=self._active(eff),
            completed=completed,
            hurt_at=self._hurt_at,
            answers=dict(self._answers),
            planned=self._total,
            paused=paused + self._suspended,
        )

    def _live_credit(self, eff: float) -> float:
        """Active time not yet credited to the current block."""
        if self._status in ("running", "observing") and eff > self._mark:
            return eff - self._mark
        return 0.0


def _next_up(x: float) -> float:
    """Seconds until floor(x) changes as x grows at 1 s/s."""
    return math.floor(x + _EPS) + 1 - x


def _next_down(x: float) -> float:
    """Seconds until ceil(x) changes as x shrinks at 1 s/s."""
    if x <= 0:
        return math.inf
    step = x - (math.ceil(x - _EPS) - 1)
    return step if step > _EPS else 1.0
