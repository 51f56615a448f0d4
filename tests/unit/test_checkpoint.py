"""The in-progress checkpoint on real files: capture and restore, ownership, damage, and never saving over a session."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tracker import cli
from tracker.checkpoint import Checkpoint, CheckpointDamaged, CheckpointFile
from tracker.model import CheckIn
from tracker.resume import restore
from tracker.runner import Runner
from tracker.service import Backroll

NOW = datetime(2025, 3, 12, 7, 30, tzinfo=ZoneInfo("Europe/Paris"))


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def service(tmp_path: Path):
    service = Backroll(tmp_path / "home", now=lambda: NOW)
    yield service
    service.close()


def run_for(service: Backroll, routine_id: str, seconds: float, clock: Clock, *, skip: int = 0) -> tuple:
    routine = service.routine(routine_id)
    runner = Runner(routine, service.library.poses, service.settings, clock)
    runner.start()
    for _ in range(skip):
        runner.skip()
    for _ in range(int(seconds)):
        clock.now += 1
        runner.poll()
    return routine, runner


def write(
    service: Backroll, routine, runner, *, written_at: datetime | None = None
) -> tuple[CheckpointFile, Checkpoint]:
    session_id = str(uuid.uuid4())
    checkpoint = service.in_progress.capture(runner, session_id=session_id, routine=routine, started_at=NOW)
    if written_at is not None:
        from dataclasses import replace

        checkpoint = replace(checkpoint, written_at=written_at)
    file = service.in_progress.begin(session_id)
    writer = service.in_progress.writer(file)
    writer.submit(checkpoint)
    assert writer.wait() and writer.error is None
    writer.close()
    return file, checkpoint  # still claimed: this process "runs" it until file.release()


def test_a_checkpoint_round_trips_and_is_private(service):
    clock = Clock()
    routine, runner = run_for(service, "bridge", 30, clock)
    file, checkpoint = write(service, routine, runner)
    assert stat.S_IMODE(file.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(file.folder.stat().st_mode) == 0o700
    assert file.read() == checkpoint
    assert checkpoint.position == pytest.approx(30.0) and checkpoint.elapsed == pytest.approx(30.0)
    assert checkpoint.where == "step 1 of 3 · Hip rocks · rep 8 of 8"


def test_restore_starts_the_rep_in_progress_again_paused_with_the_time_and_results_so_far(service):
    clock = Clock()
    routine, runner = run_for(service, "bridge", 10, clock, skip=1)  # back roll, rep 2, mid-raise
    before = runner.view()
    assert (before.title, before.rep, before.phase.value) == ("Back roll", 2, "raise")
    file, checkpoint = write(service, routine, runner)
    fresh = Runner(routine, service.library.poses, checkpoint.settings, Clock())
    restore(fresh, checkpoint)
    view = fresh.view()
    assert fresh.status == "paused"
    assert (view.block, view.rep, view.phase.value, view.count) == (before.block, 2, "raise", 1)
    assert view.elapsed == pytest.approx(before.elapsed)
    results = fresh.results()
    assert results.steps[0].skipped and not results.steps[0].completed
    fresh.resume()
    assert fresh.status == "running"


def test_restore_asks_a_waiting_question_again(service):
    clock = Clock()
    routine, runner = run_for(service, "pelvic-tilt-check", 0, clock)
    assert runner.status == "observing"
    runner.answer("some")
    for _ in range(200):
        clock.now += 1
        runner.poll()
        if runner.status == "observing":
            break
    file, checkpoint = write(service, routine, runner)
    fresh = Runner(routine, service.library.poses, checkpoint.settings, Clock())
    restore(fresh, checkpoint)
    fresh.resume()
    assert fresh.status == "observing" and fresh.view().question
    assert fresh.results().answers == {"space-before": "some"}


def test_only_one_process_owns_a_checkpoint(service):
    clock = Clock()
    routine, runner = run_for(service, "bridge", 5, clock)
    file, checkpoint = write(service, routine, runner)
    code = (
        "import sys; from pathlib import Path; from tracker.checkpoint import CheckpointFile\n"
        f"print(CheckpointFile(Path({str(file.folder)!r}), {checkpoint.session_id!r}).claim())\n"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (
        other.stdout.strip() == "False"
    )  # this process holds it: the other may neither resume nor delete it
    assert service.in_progress.scan().busy == 1
    file.release()
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert other.stdout.strip() == "True"


def test_a_damaged_checkpoint_is_kept_aside_never_deleted(service):
    folder = service.locations.in_progress
    folder.mkdir(parents=True)
    for n, payload in enumerate(
        [
            b"",
            b"not json",
            b'{"format": "other"}',
            json.dumps({"format": "backroll.checkpoint", "version": 99}).encode(),
        ]
    ):
        (folder / f"{uuid.UUID(int=n + 1)}.json").write_bytes(payload)
    found = service.in_progress.scan()
    assert found.usable == () and len(found.damaged) == 4
    assert sorted(p.read_bytes() for p, _ in found.damaged)[0] == b""
    assert list(folder.glob("*.json")) == []
    assert all(".damaged-" in p.name and p.exists() for p, _ in found.damaged)
    with pytest.raises(CheckpointDamaged):
        Checkpoint.from_dict({"format": "backroll.checkpoint", "version": 1, "session_id": "x"})


def test_settle_saves_old_and_hurt_ones_and_never_over_a_saved_session(service):
    clock = Clock()
    routine, runner = run_for(service, "bridge", 20, clock)
    files, old = [], None
    file, old = write(service, routine, runner, written_at=NOW - timedelta(hours=13))
    files.append(file)
    routine, runner = run_for(service, "bridge", 10, clock)
    runner.hurt()
    file, hurt = write(service, routine, runner)
    files.append(file)
    routine, runner = run_for(service, "bridge", 10, clock)
    file, fresh = write(service, routine, runner)
    files.append(file)
    routine, runner = run_for(service, "bridge", 10, clock)
    file, done = write(service, routine, runner)
    files.append(file)
    kept = service.make_session(
        routine, runner.results(), CheckIn(note="checked in"), NOW, session_id=done.session_id
    )
    service.save_session(kept)
    routine, runner = run_for(service, "bridge", 10, clock)
    running, elsewhere = write(service, routine, runner)  # still running in "another window"
    assert service.in_progress.settle().busy == 5
    for file in files:
        file.release()  # those four processes are gone

    settled = service.in_progress.settle()
    assert [c.session_id for _, c in settled.offer] == [fresh.session_id]
    assert {s.id for s in settled.saved} == {old.session_id, hurt.session_id}
    assert service.get_session(done.session_id).checkin.note == "checked in"  # not saved over
    assert service.get_session(hurt.session_id).hurt_at == hurt.hurt_at
    saved_old = service.get_session(old.session_id)
    assert not saved_old.completed and saved_old.local_date.isoformat() == "2025-03-12"
    assert settled.busy == 1
    assert sorted(p.stem for p in service.locations.in_progress.glob("*.json")) == sorted(
        [fresh.session_id, elsewhere.session_id]
    )
    running.release()


def test_status_mentions_a_session_cut_off_on_stderr_and_keeps_its_json(service, capsys):
    clock = Clock()
    routine, runner = run_for(service, "bridge", 20, clock)
    file, _ = write(service, routine, runner, written_at=datetime.now(UTC))  # `status` runs on the real clock
    file.release()
    service.close()
    out, err = _main(["--home", str(service.home), "status", "--json"])
    assert json.loads(out)["today"]  # still one JSON object, nothing else on stdout
    assert err.startswith("note: a session (Bridge program") and "resume" in err
    assert len(list(service.locations.in_progress.glob("*.json"))) == 1  # status only looks


def _main(argv: list[str]) -> tuple[str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    assert cli.main(argv, stdout=out, stderr=err) == 0
    return out.getvalue(), err.getvalue()


def test_the_pain_before_rides_in_the_checkpoint_and_into_the_saved_session(service):
    """Asked at the start: a cut-off session keeps it, and saving it as it stood records it (a check-in's own answer wins)."""
    from tracker.resume import session_of

    clock = Clock()
    routine, runner = run_for(service, "bridge", 10, clock)
    session_id = str(uuid.uuid4())
    checkpoint = service.in_progress.capture(
        runner, session_id=session_id, routine=routine, started_at=NOW, pain_before=6
    )
    assert Checkpoint.from_dict(json.loads(json.dumps(checkpoint.to_dict()))).pain_before == 6
    assert session_of(checkpoint).checkin.pain_before == 6
    assert session_of(checkpoint, CheckIn(pain_before=2)).checkin.pain_before == 2
    older = checkpoint.to_dict()
    del older["pain_before"]  # a file written before the question moved to the start
    assert Checkpoint.from_dict(older).pain_before is None
    for bad in (11, -1, "6", 2.5, True):
        with pytest.raises(CheckpointDamaged, match="pain_before"):
            Checkpoint.from_dict({**checkpoint.to_dict(), "pain_before": bad})
