"""The tempo rule, once: a routine at a prescription and settings -> a timeline of segments.

`make_plan(routine, settings, poses)` expands a routine into blocks (one side
of one step occurrence: step repeats, routine rounds and both sides each
make their own block) and each block into segments (one phase of one rep:
raise, hold, lower, breathe, flow, rest, observe), each with exact start and
end offsets in seconds. Everything that needs a duration reads it here:

- the runner (`tracker.runner`) runs this timeline against a clock;
- `planned_seconds` is the timeline's total, shown in the Library and by
  `backroll routines`;
- `Plan.results(done=...)` is what a session logged without the runner
  records (`backroll log`), block by block as the runner would.

With t = settings.tempo (seconds per count) and b = settings.breath_seconds:
a REPS step is, per rep, raise `raise_counts * t`, the hold (if any), lower
`lower_counts * t`; a HOLD step is `reps` holds with `rest_between` seconds
of rest between them; FLOW and REST last `duration` seconds; OBSERVE takes no
time (it waits for an answer). A hold of counts lasts `counts * t`, of
breaths `breaths * b`, of seconds itself; on the pose's tighter side
(settings.tighter_side) the step's `tighter_extra` is added to every hold.
Optional steps are left out.

Format v2: a two-sided step starts on its `first_side`; an alternating
step is one block whose reps change side (each segment names its side); a
`sequence` (consecutive steps sharing the name) runs all its steps on the
first side, then all on the other; a hold with `stages` is split into one
segment per stage (the same phase; `count_from` keeps the count running),
so each stage's cue is shown and spoken when it begins.

No Textual here (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from tracker.model import Hold, HoldUnit, Phase, Pose, Routine, Settings, Side, Step, StepKind, StepResult

__all__ = ["Block", "Plan", "Segment", "Unit", "make_plan", "planned_seconds"]

Unit = Literal["count", "breath", "second"]
_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Segment:
    """One phase of one rep of one block, at [start, end) seconds into the session."""

    block: int
    phase: Phase
    start: float
    end: float
    rep: int
    unit: Unit | None  # None: OBSERVE
    unit_len: float  # seconds per count/breath (0 for seconds/observe)
    counts: int | None  # the whole hold's counts or breaths (a staged hold is split into segments)
    rep_end: bool  # the rep is done when this segment ends
    side: Side = Side.NONE  # LEFT / RIGHT: the side of this rep of an alternating step
    cue: str = ""  # a stage's cue, shown and spoken from this segment on (else the block's cue)
    count_from: int = 0  # counts of the same hold already done in earlier segments of it


@dataclass(frozen=True, slots=True)
class Block:
    """One side of one step occurrence: what the runner navigates by (skip, back) and records."""

    position: int
    step_index: int  # in routine.steps
    step: Step
    side: Side
    round: int
    step_repeat: int
    step_number: int  # 1-based among the steps that run
    title: str
    cue: str
    reps: int
    hold_seconds: float  # one hold, tighter-side extra included
    first: int  # first segment index
    stop: int  # one past the last segment index
    start: float
    end: float

    def result(self, *, done: bool) -> StepResult:
        """The StepResult of this block run straight through (`done`) or not at all."""
        step = self.step
        observe = step.kind is StepKind.OBSERVE
        ok = done and not observe
        counted = step.kind is StepKind.REPS
        return StepResult(
            index=self.step_index,
            pose=step.pose,
            side=self.side,
            reps_planned=self.reps,
            reps_done=self.reps if ok else 0,
            raise_counts=step.raise_counts if counted else 0,
            lower_counts=step.lower_counts if counted else 0,
            hold_seconds=self.hold_seconds,
            seconds=self.end - self.start if ok else 0.0,
            skipped=observe,
            completed=ok,
        )


@dataclass(frozen=True)
class Plan:
    """A routine's timeline at one tempo: blocks and segments in order."""

    routine: Routine
    blocks: tuple[Block, ...]
    segments: tuple[Segment, ...]
    step_count: int  # steps that run (optional steps left out)
    starts: tuple[float, ...] = field(default=(), repr=False)  # segment starts, for bisection

    @property
    def total(self) -> float:
        """The planned length in seconds: the session without pauses, skips or questions."""
        return self.segments[-1].end if self.segments else 0.0

    def resume_segment(self, block: int, blocks: int, position: float) -> int:
        """The segment a session cut off at `position` in `block` starts again from.

        The start of the rep in progress (a raise, hold and lower are one
        movement, so a rep cut in the middle is done again whole), or of the
        rest in progress; a block that was done: the next one from its start.
        `blocks` is how many blocks the plan had then; if the routine changed
        since, the block starts again from its beginning.
        """
        segments = self.segments
        if not self.blocks:
            return 0
        current = self.blocks[min(block, len(self.blocks) - 1)]
        if blocks != len(self.blocks):
            return current.first
        index = current.first
        for i in range(current.first, current.stop):
            if segments[i].start <= position + _EPS:
                index = i
        if (
            position >= current.end - _EPS
            and current.stop < len(segments)
            and segments[current.stop - 1].phase is not Phase.OBSERVE
        ):
            return current.stop
        segment = segments[index]
        if segment.phase is Phase.REST:
            return index
        while (
            index > current.first
            and segments[index - 1].rep == segment.rep
            and segments[index - 1].phase is not Phase.REST
        ):
            index -= 1
        return index

    def results(self, *, done: bool = True) -> tuple[StepResult, ...]:
        """One StepResult per block, as the runner records them (observations left unanswered)."""
        return tuple(block.result(done=done) for block in self.blocks)


def _hold(
    base: Hold, extra: Hold | None, tempo: float, breath: float
) -> tuple[float, Phase, Unit, float, int | None]:
    """Duration, phase, unit, unit length and count of a hold with the tighter-side extra."""
    seconds = base.seconds(tempo, breath)
    amount = base.amount
    same_unit = True
    if extra is not None:
        seconds += extra.seconds(tempo, breath)
        if extra.unit is base.unit:
            amount += extra.amount
        else:
            same_unit = False
    phase = Phase.BREATHE if base.unit is HoldUnit.BREATHS else Phase.HOLD
    if base.unit is HoldUnit.SECONDS or not same_unit:
        return seconds, phase, "second", 0.0, None
    if base.unit is HoldUnit.BREATHS:
        return seconds, phase, "breath", breath, max(1, math.ceil(amount - _EPS))
    return seconds, phase, "count", tempo, max(1, math.ceil(amount - _EPS))


class _Builder:
    def __init__(self, settings: Settings, poses: Mapping[str, Pose]) -> None:
        self.tempo, self.breath = settings.tempo, settings.breath_seconds
        self.tighter = {str(k): Side(v) for k, v in settings.tighter_side.items()}
        self.poses = poses
        self.blocks: list[Block] = []
        self.segments: list[Segment] = []
        self.offset = 0.0

    def block(self, step: Step, index: int, side: Side, rnd: int, srep: int, number: int) -> None:
        tempo, breath = self.tempo, self.breath
        tighter = self.tighter.get(step.pose)
        extra = step.tighter_extra if side in (Side.LEFT, Side.RIGHT) and tighter is side else None
        pose = self.poses.get(step.pose)
        position = len(self.blocks)
        segs: list[Segment] = []

        def add(
            phase: Phase, duration: float, rep: int, unit: Unit | None, unit_len: float, counts: int | None, rep_end: bool,
            cue: str = "", count_from: int = 0,
        ) -> None:  # fmt: skip
            if duration <= 0 and phase is not Phase.OBSERVE:
                return
            end = self.offset + duration
            rep_side = _rep_side(step, rep)
            segs.append(
                Segment(
                    position,
                    phase,
                    self.offset,
                    end,
                    rep,
                    unit,
                    unit_len,
                    counts,
                    rep_end,
                    rep_side,
                    cue,
                    count_from,
                )
            )
            self.offset = end

        def add_hold(rep: int, rep_end: bool) -> None:
            assert hold is not None
            seconds, phase, unit, unit_len, counts = hold
            cuts = [(0.0, "")] + [(s.after.seconds(tempo, breath), s.cue) for s in step.stages]
            cuts = [(at, cue) for at, cue in cuts if at < seconds - _EPS]
            for k, (at, cue) in enumerate(cuts):
                until = cuts[k + 1][0] if k + 1 < len(cuts) else seconds
                done = int(round(at / unit_len)) if unit_len > 0 else 0
                add(phase, until - at, rep, unit, unit_len, counts, rep_end and k == len(cuts) - 1, cue, done)

        hold_seconds = 0.0
        reps = step.reps
        base = step.hold if step.hold is not None and step.hold.amount > 0 else None
        hold = None
        if base is not None:
            hold = _hold(base, extra, tempo, breath)
        elif extra is not None:
            hold = _hold(extra, None, tempo, breath)
        if hold is not None:
            hold_seconds = hold[0]
        if step.kind is StepKind.REPS:
            for rep in range(1, reps + 1):
                add(Phase.RAISE, step.raise_counts * tempo, rep, "count", tempo, step.raise_counts, False)
                if hold is not None:
                    add_hold(rep, False)
                add(Phase.LOWER, step.lower_counts * tempo, rep, "count", tempo, step.lower_counts, False)
                if segs and segs[-1].rep == rep:
                    last = segs[-1]
                    segs[-1] = replace(last, rep_end=True)
        elif step.kind is StepKind.HOLD:
            for rep in range(1, reps + 1):
                if hold is not None:
                    add_hold(rep, True)
                if rep < reps:
                    add(Phase.REST, step.rest_between, rep, "second", 0.0, None, False)
        elif step.kind in (StepKind.FLOW, StepKind.REST):
            reps, hold_seconds = 1, 0.0
            add(
                Phase.FLOW if step.kind is StepKind.FLOW else Phase.REST,
                float(step.duration),
                1,
                "second",
                0.0,
                None,
                True,
            )
        else:  # OBSERVE
            reps, hold_seconds = 1, 0.0
            add(Phase.OBSERVE, 0.0, 1, None, 0.0, None, True)
        if not segs:
            return
        first = len(self.segments)
        self.segments.extend(segs)
        self.blocks.append(
            Block(
                position=position,
                step_index=index,
                step=step,
                side=side,
                round=rnd,
                step_repeat=srep,
                step_number=number,
                title=step.title or (pose.name if pose else step.pose),
                cue=step.cue or (pose.cue if pose else ""),
                reps=reps,
                hold_seconds=hold_seconds,
                first=first,
                stop=len(self.segments),
                start=segs[0].start,
                end=segs[-1].end,
            )
        )


def _sides(step: Step) -> tuple[Side, ...]:
    """The blocks' sides of one occurrence: both sides from `first_side`, or the one side given."""
    if step.sides is not Side.BOTH:
        return (step.sides,)
    return (Side.RIGHT, Side.LEFT) if step.first_side is Side.RIGHT else (Side.LEFT, Side.RIGHT)


def _rep_side(step: Step, rep: int) -> Side:
    """The side of rep `rep` (1-based) of an alternating step; NONE for any other step."""
    if not step.alternate:
        return Side.NONE
    first, other = (Side.RIGHT, Side.LEFT) if step.first_side is Side.RIGHT else (Side.LEFT, Side.RIGHT)
    return first if rep % 2 == 1 else other


def _groups(steps: tuple[Step, ...]) -> list[list[int]]:
    """Step indices grouped: a run of consecutive steps with the same `sequence` name, or one step."""
    groups: list[list[int]] = []
    for index, step in enumerate(steps):
        if groups and step.sequence and steps[groups[-1][0]].sequence == step.sequence:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def make_plan(routine: Routine, settings: Settings, poses: Mapping[str, Pose] | None = None) -> Plan:
    """The timeline of `routine` at these settings (see the module docstring); `poses` give titles and cues."""
    builder = _Builder(settings, poses or {})
    numbers: dict[int, int] = {}
    for i, step in enumerate(routine.steps):
        if not step.optional:
            numbers[i] = len(numbers) + 1
    for rnd in range(1, routine.repeats + 1):
        for group in _groups(routine.steps):
            first = routine.steps[group[0]]
            if len(group) > 1 or first.sequence:  # a sequence: every step on one side, then on the other
                for side in _sides(first):
                    for index in group:
                        if not routine.steps[index].optional:
                            builder.block(routine.steps[index], index, side, rnd, 1, numbers[index])
                continue
            if first.optional:
                continue
            for srep in range(1, first.repeats + 1):
                for side in _sides(first):
                    builder.block(first, group[0], side, rnd, srep, numbers[group[0]])
    segments = tuple(builder.segments)
    return Plan(routine, tuple(builder.blocks), segments, len(numbers), tuple(s.start for s in segments))


def planned_seconds(routine: Routine, settings: Settings) -> float:
    """The exact planned length of `routine` in seconds: its timeline's total."""
    return make_plan(routine, settings).total
