"""What the runner hands out: cues, the view of an instant, the result; its constants."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from tracker.model import HurtAt, Phase, Side, StepResult
from tracker.plan import Unit

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


@dataclass(frozen=True, slots=True)
class RunnerSnapshot:
    """A running session, enough to restore it in a new runner (Runner.snapshot / Runner.restore)."""

    position: float  # seconds into the timeline
    block: int  # the block in progress
    blocks: int  # how many blocks the plan had (a different count: the routine changed)
    result: RunResult  # results, answers, active and paused time so far
