"""Sessions in progress: capture a running session into a checkpoint, and what to do with one found later.

`capture(runner, ...)` reads a running `Runner` into a `Checkpoint`;
`restore(runner, checkpoint)` puts a fresh runner (same routine, same
settings) back where the checkpoint left it, paused. The resume point is
the start of the rep in progress (a raise, hold and lower are one
movement, so a rep cut in the middle is done again whole), or the start of
the rest in progress; a block that was just reached starts from its
beginning. Step results and observation answers so far carry over, and the
active time and paused time go on from where they were.

The runner does the saving and restoring itself (`Runner.snapshot`,
`Runner.restore`, and `Plan.resume_segment` for where to start again);
this module turns that into a checkpoint file and back.

`InProgress` (reached as `Backroll.in_progress`) is what the app and the
CLI ask: begin a checkpoint, find the ones nobody runs, save one as ended
early (never over a saved session), discard one, rebuild a runner from one.
It knows no service: it is handed the checkpoint folder and a `Host`, the
narrow protocol below (the clock and zone, routines as the app runs them,
the saved sessions), which the service meets.

No Textual here (core module).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from tracker.checkpoint import (
    OFFER_FOR,
    Checkpoint,
    CheckpointFile,
    Checkpoints,
    CheckpointWriter,
    Found,
    hint,
)
from tracker.model import CheckIn, Pose, Prescription, Routine, Session
from tracker.runner import Clock, Runner, RunnerSnapshot, RunResult


class SavedSessions(Protocol):
    """The saved history as InProgress uses it: is this id saved, add one."""

    def get(self, session_id: str) -> Session | None: ...

    def add(self, session: Session) -> None: ...


class PoseLibrary(Protocol):
    @property
    def poses(self) -> Mapping[str, Pose]: ...


class Host(Protocol):
    """What InProgress asks of the one who hands it out (the service): time, routines, the saved sessions."""

    @property
    def zone(self) -> str: ...

    @property
    def store(self) -> SavedSessions: ...

    @property
    def library(self) -> PoseLibrary: ...

    def now(self) -> datetime: ...

    def localize(self, moment: datetime) -> datetime: ...

    def prescription_of(self, routine: Routine) -> Prescription | None: ...

    def get_session(self, session_id: str) -> Session | None: ...

    def routine(self, routine_id: str, prescription: Prescription | None = None) -> Routine: ...


def capture(
    runner: Runner,
    *,
    session_id: str,
    routine_id: str,
    prescription: Prescription | None,
    started_at: datetime,
    zone: str,
    written_at: datetime | None = None,
    pain_before: int | None = None,
) -> Checkpoint:
    """The runner's state now, as a checkpoint (Runner.snapshot)."""
    snapshot = runner.snapshot()
    result = snapshot.result
    view = runner.view()
    where = [f"step {view.step_number} of {view.step_count}", view.title]
    side = str(getattr(view.side, "value", view.side))
    if side in ("left", "right"):
        where.append(f"{side} side")
    if view.reps > 1:
        where.append(f"rep {view.rep} of {view.reps}")
    return Checkpoint(
        session_id=session_id,
        routine=routine_id,
        name=runner.routine.name,
        prescription=prescription,
        started_at=started_at,
        zone=zone,
        settings=runner.settings,
        status=runner.status,
        position=snapshot.position,
        block=snapshot.block,
        blocks=snapshot.blocks,
        where=" · ".join(w for w in where if w),
        elapsed=result.duration,
        paused=result.paused,
        planned=result.planned,
        completed=result.completed,
        hurt_at=result.hurt_at,
        steps=result.steps,
        answers=dict(result.answers),
        written_at=written_at or datetime.now(UTC),
        pain_before=pain_before,
    )


def resume_index(runner: Runner, checkpoint: Checkpoint) -> int:
    """The segment a resumed session starts from (Plan.resume_segment)."""
    return runner.plan.resume_segment(checkpoint.block, checkpoint.blocks, checkpoint.position)


def restore(runner: Runner, checkpoint: Checkpoint) -> None:
    """Put a fresh runner (status "ready") where `checkpoint` left off, paused (Runner.restore)."""
    runner.restore(
        RunnerSnapshot(checkpoint.position, checkpoint.block, checkpoint.blocks, result_of(checkpoint))
    )


def result_of(checkpoint: Checkpoint) -> RunResult:
    """What the runner would have returned at the checkpoint: for the check-in of a session saved as it stood."""
    return RunResult(
        steps=tuple(checkpoint.steps),
        duration=checkpoint.elapsed,
        completed=checkpoint.completed,
        hurt_at=checkpoint.hurt_at,
        answers=dict(checkpoint.answers),
        planned=checkpoint.planned,
        paused=checkpoint.paused,
    )


def routine_stub(checkpoint: Checkpoint) -> Routine:
    """Enough of the routine to save the session, even if its file has gone since."""
    return Routine(
        id=checkpoint.routine,
        name=checkpoint.name,
        program=checkpoint.routine if checkpoint.prescription else None,
    )


def session_of(checkpoint: Checkpoint, checkin: CheckIn = CheckIn()) -> Session:
    """The session as it stood at the checkpoint, under its own id, zone and practice day.

    The pain before, asked at the start, is the checkpoint's unless the check-in gives one."""
    if checkin.pain_before is None and checkpoint.pain_before is not None:
        checkin = replace(checkin, pain_before=checkpoint.pain_before)
    return Session(
        id=checkpoint.session_id,
        routine=checkpoint.routine,
        started_at=checkpoint.started_at,
        zone=checkpoint.zone,
        local_date=checkpoint.started_at.date(),
        duration=checkpoint.elapsed,
        completed=checkpoint.completed,
        hurt=checkpoint.hurt_at is not None,
        hurt_at=checkpoint.hurt_at,
        checkin=checkin,
        prescription=checkpoint.prescription,
        steps=tuple(checkpoint.steps),
        origin="app",
    )


@dataclass(frozen=True)
class Settled:
    """What `InProgress.settle` did on its own, and what is left to offer."""

    offer: tuple[tuple[CheckpointFile, Checkpoint], ...]
    saved: tuple[Session, ...]  # saved as ended early (too old) or as hurt, without asking
    busy: int
    damaged: tuple[tuple[Path, str], ...]  # (where it was moved, why)
    failed: tuple[tuple[Checkpoint, Exception], ...] = ()  # could not be saved now: kept for the next launch


class InProgress:
    """Sessions in progress for one home: `Backroll.in_progress` (its `<home>/in-progress` folder and itself as host)."""

    def __init__(self, host: Host, folder: Path) -> None:
        self.host = host
        self.checkpoints = Checkpoints(folder)

    def begin(self, session_id: str) -> CheckpointFile:
        return self.checkpoints.begin(session_id)

    def writer(
        self, file: CheckpointFile, on_error: Callable[[Exception], None] | None = None
    ) -> CheckpointWriter:
        return CheckpointWriter(file, on_error)

    def capture(self, runner: Runner, *, session_id: str, routine: Routine, started_at: datetime, zone: str | None = None,
                prescription: Prescription | None = None, pain_before: int | None = None) -> Checkpoint:  # fmt: skip
        return capture(
            runner,
            pain_before=pain_before,
            session_id=session_id,
            routine_id=routine.program or routine.id,
            prescription=prescription or self.host.prescription_of(routine),
            started_at=self.host.localize(started_at) if zone is None else started_at,
            zone=zone or self.host.zone,
            written_at=self.host.now().astimezone(UTC),
        )

    def scan(self) -> Found:
        return self.checkpoints.scan(self.host.now())

    def hint(self) -> str:
        """One line for `backroll status` ("" when nothing is in progress); moves and claims nothing."""
        now = self.host.now()
        try:
            return hint(self.checkpoints.scan(now, keep_claims=False), now)
        except OSError:  # an unreadable folder must not stop `status`
            return ""

    def settle(self) -> Settled:
        """Scan; save at once what is not to be offered (hurt, or older than 12 hours); return the rest."""
        found = self.scan()
        if not found.usable:  # nothing in progress: no need to open the store (a long history stays on disk)
            return Settled((), (), found.busy, found.damaged, ())
        now = self.host.now()
        offer, saved, failed = [], [], []
        store = self.host.store
        for file, checkpoint in found.usable:
            if store.get(checkpoint.session_id) is not None:
                file.remove()  # saved already (killed after the save, before the removal): never saved over
                continue
            if checkpoint.hurt_at is None and not checkpoint.finished and checkpoint.age(now) < OFFER_FOR:
                offer.append((file, checkpoint))
                continue
            if checkpoint.finished and checkpoint.age(now) < OFFER_FOR:
                offer.append((file, checkpoint))  # finished but not checked in: the check-in is offered
                continue
            try:
                saved.append(self.save(file, checkpoint))
            except Exception as error:  # a locked or full store: keep it for the next launch
                file.release()
                failed.append((checkpoint, error))
        return Settled(tuple(offer), tuple(saved), found.busy, found.damaged, tuple(failed))

    def save(self, file: CheckpointFile, checkpoint: Checkpoint, checkin: CheckIn = CheckIn()) -> Session:
        """Save it as it stood (unless that id is already saved), then remove the checkpoint."""
        session = session_of(checkpoint, checkin)
        self.record(session)
        file.remove()
        return self.host.get_session(session.id) or session

    def record(self, session: Session) -> bool:
        """Add the session unless its id is saved already (a checkpoint never overwrites a saved session); True when added."""
        store = self.host.store
        if store.get(session.id) is not None:
            return False
        store.add(session)
        return True

    def as_run(self, checkpoint: Checkpoint) -> tuple[Routine, RunResult]:
        """The routine (as much as saving needs) and the run result, for the check-in of a session as it stood."""
        return routine_stub(checkpoint), result_of(checkpoint)

    def discard(self, file: CheckpointFile) -> None:
        file.remove()

    def runner(self, checkpoint: Checkpoint, clock: Clock) -> tuple[Routine, Runner]:
        """The routine and a runner put back where the checkpoint left off (paused). KeyError if the routine is gone."""
        routine = self.host.routine(checkpoint.routine, checkpoint.prescription)
        runner = Runner(routine, self.host.library.poses, checkpoint.settings, clock)
        restore(runner, checkpoint)
        return routine, runner
