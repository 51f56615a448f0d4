"""The state machine of a session: `Runner` (see tracker/runner/__init__.py for the rules)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from tracker.model import HurtAt, Phase, Pose, Routine, Settings, Side, StepKind, StepResult
from tracker.plan import Block, Segment, make_plan
from tracker.runner.clock import EffectiveClock, next_down, next_up
from tracker.runner.records import (
    _EPS,
    BACK_GRACE,
    PHASE_WORDS,
    Clock,
    Cue,
    CueKind,
    RunnerSnapshot,
    RunnerView,
    RunResult,
    Status,
)
from tracker.runner.view import make_view


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
        self._time = EffectiveClock(clock)  # the clock-jump rule (clock.py)
        self._start_eff = 0.0
        self._end_eff: float | None = None
        self._paused_since = 0.0
        self._paused_total = 0.0
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
        """Read the clock, apply the jump rule (clock.py), return the effective time."""
        return self._time.read(self._status in ("running", "observing"))

    def _raw(self, eff: float) -> float:
        return self._time.raw(eff)

    def _position(self) -> float:
        if self._status == "running":
            return self._time.now - self._anchor
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

    def _emit(
        self,
        kind: CueKind,
        phase: Phase | None,
        text: str,
        eff: float,
        count: int | None = None,
        step_index: int | None = None,
    ) -> None:
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
            if block.plan.side in (Side.LEFT, Side.RIGHT) and (
                not same_step or prev_block is None or prev_block.plan.side != block.plan.side
            ):
                self._emit(
                    "side",
                    seg.phase,
                    f"{block.plan.side.value.capitalize()} side",
                    eff,
                    step_index=block.plan.step_index,
                )
        if seg.side is not Side.NONE and (
            previous is None or previous.side is not seg.side
        ):  # an alternating rep
            self._emit(
                "side",
                seg.phase,
                f"{seg.side.value.capitalize()} side",
                eff,
                step_index=block.plan.step_index,
            )
        if seg.phase is Phase.OBSERVE:
            question = block.plan.step.observe.question if block.plan.step.observe else ""
            self._emit(
                "phase", seg.phase, question or PHASE_WORDS[seg.phase], eff, step_index=block.plan.step_index
            )
            self._status = "observing"
            self._frozen = seg.start
            return
        self._emit(
            "phase", seg.phase, seg.cue or PHASE_WORDS[seg.phase], eff, step_index=block.plan.step_index
        )
        self._count_cue(seg, index, 0.0, eff)

    def _count_cue(self, seg: Segment, index: int, into: float, eff: float) -> None:
        if not self.count_cues or seg.counts is None or seg.unit_len <= 0:
            return
        count = min(seg.counts, seg.count_from + int(math.floor(into / seg.unit_len + _EPS)) + 1)
        last = self._last_count
        first = seg.count_from + 1 if last is None or last[0] != index else last[1] + 1
        for c in range(first, count + 1):
            at = self._anchor + seg.start + (c - 1 - seg.count_from) * seg.unit_len
            self._emit(
                "count", seg.phase, str(c), at, count=c, step_index=self._blocks[seg.block].plan.step_index
            )
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
        candidates.append(eff + next_up(elapsed))
        if self._status == "running" and self._cursor < len(self._segments):
            seg = self._segments[self._cursor]
            pos = eff - self._anchor
            into = pos - seg.start
            candidates.append(self._anchor + seg.end)
            if seg.unit_len > 0:
                k = math.floor(into / seg.unit_len + _EPS) + 1
                candidates.append(self._anchor + seg.start + k * seg.unit_len)
            candidates.append(eff + next_down(seg.end - pos))
            candidates.append(eff + next_down(self._total - pos))
        future = [c for c in candidates if c > eff + 1e-6]
        return self._raw(min(future)) if future else self._raw(eff + 1.0)

    def view(self) -> RunnerView:
        """What to show now. Advances like poll() but keeps the cues for poll()."""
        eff = self._advance()
        position = min(max(self._position(), 0.0), self._total)
        return make_view(self.plan, self._status, self._cursor, position, self._active(eff))

    # ------------------------------------------------------------------ persistence (tracker.resume)

    def snapshot(self) -> RunnerSnapshot:
        """Where the session is now: the timeline position, the block, and the results so far."""
        self._advance()
        cursor = min(self._cursor, len(self._segments) - 1)
        block = self._segments[cursor].block if self._segments else 0
        return RunnerSnapshot(max(0.0, self._position()), block, len(self._blocks), self.results())

    def restore(self, snapshot: RunnerSnapshot) -> None:
        """Put this fresh runner (same routine, same settings) where `snapshot` left off, paused.

        The resume point is the plan's (Plan.resume_segment): the start of the
        rep or rest in progress. Step results and answers carry over where the
        blocks still match; active and paused time go on from where they were.
        """
        if self._status != "ready":
            raise RuntimeError("only a runner that has not started can be restored")
        result = snapshot.result
        for block, step in zip(self._blocks, result.steps):
            planned = block.plan
            if (planned.step_index, planned.step.pose, planned.side) != (step.index, step.pose, step.side):
                continue  # the routine changed since: keep only what still matches
            block.seconds, block.reps_done = step.seconds, step.reps_done
            block.completed, block.skipped, block.answer = step.completed, step.skipped, step.answer
        self._answers = dict(result.answers)
        eff = self._read()
        self._paused_total = result.paused
        self._start_eff = eff - result.duration - result.paused
        self._mark = eff
        if not self._segments:
            self.start()
            return
        index = min(
            self.plan.resume_segment(snapshot.block, snapshot.blocks, snapshot.position),
            len(self._segments) - 1,
        )
        segment = self._segments[index]
        self._status = "running"
        self._anchor = eff - segment.start
        self._enter(index, eff, None)  # announces the step and side again, or asks the question
        self._resume_to = self._status  # "running", or "observing" for a question
        self._frozen = segment.start
        self._paused_since = eff
        self._status = "paused"

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
                question_key=(b.plan.step.observe.key if b.plan.step.observe else "")
                if b.answer is not None
                else "",
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
            paused=paused + self._time.suspended,
        )

    def _live_credit(self, eff: float) -> float:
        """Active time not yet credited to the current block."""
        if self._status in ("running", "observing") and eff > self._mark:
            return eff - self._mark
        return 0.0
