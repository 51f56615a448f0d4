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

Modules: records.py (cues, the view, the result, constants), clock.py
(the clock-jump rule), machine.py (the Runner). The timeline itself is
tracker.plan's; `snapshot()` / `restore()` carry a session across a
restart (tracker.resume).

No Textual here (core module).
"""

from tracker.runner.machine import Runner
from tracker.runner.records import (
    BACK_GRACE,
    PHASE_WORDS,
    SUSPEND_CREDIT,
    SUSPEND_GAP,
    Clock,
    Cue,
    CueKind,
    RunnerSnapshot,
    RunnerView,
    RunResult,
    Status,
)

__all__ = [
    "BACK_GRACE",
    "PHASE_WORDS",
    "SUSPEND_CREDIT",
    "SUSPEND_GAP",
    "Clock",
    "Cue",
    "CueKind",
    "RunResult",
    "Runner",
    "RunnerSnapshot",
    "RunnerView",
    "Status",
]
