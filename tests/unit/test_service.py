"""tracker.service.Backroll: the one object the CLI and the UI share."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tracker.model import (
    CheckIn,
    Felt,
    HurtAt,
    Phase,
    Prescription,
    Session,
    Settings,
    Side,
    Stability,
    StepResult,
)
from tracker.service import Backroll, Status
from tracker.sessions import derive_prescription, planned_results
from tracker.zones import local_zone_name

LONDON = ZoneInfo("Europe/London")


class Clock:
    """An injected `now`: aware, settable."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 3, 10, 8, 0, tzinfo=LONDON))


@pytest.fixture
def service(tmp_path: Path, clock: Clock):
    with Backroll(tmp_path / "home", now=clock, zone="Europe/London") as svc:
        yield svc


@dataclass
class FakeResult:
    steps: tuple[StepResult, ...] = ()
    duration: float = 95.0
    completed: bool = True
    hurt_at: HurtAt | None = None


def log(service: Backroll, day: date, *, hour: int = 8, pain_after: int | None = 0, routine: str = "bridge",
        prescription: Prescription | None = None, felt: Felt | None = Felt.RIGHT) -> Session:  # fmt: skip
    chosen = service.routine(routine, prescription) if routine == "bridge" else service.routine(routine)
    started = datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)
    session = service.log_session(chosen, started, CheckIn(pain_after=pain_after, felt=felt))
    service.save_session(session)
    return session


# --------------------------------------------------------------------------- time and zones


def test_today_is_the_date_in_the_service_zone(tmp_path: Path) -> None:
    late = Clock(datetime(2025, 3, 1, 23, 30, tzinfo=UTC))
    assert Backroll(tmp_path, now=late, zone="Asia/Tokyo").today() == date(2025, 3, 2)
    assert Backroll(tmp_path, now=late, zone="America/New_York").today() == date(2025, 3, 1)
    tokyo = Backroll(tmp_path, now=late, zone="Asia/Tokyo")
    assert tokyo.now().utcoffset() == timedelta(hours=9)


def test_zone_defaults_to_the_injected_clock_zone_then_the_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paris = Clock(datetime(2025, 3, 1, 12, tzinfo=ZoneInfo("Europe/Paris")))
    assert Backroll(tmp_path, now=paris).zone == "Europe/Paris"
    monkeypatch.setenv("TZ", "America/Chicago")
    assert Backroll(tmp_path).zone == "America/Chicago"
    with pytest.raises(ValueError):
        Backroll(tmp_path, zone="Mars/Base")


def test_local_zone_name_sources(tmp_path: Path) -> None:
    assert local_zone_name({"TZ": "Europe/Paris"}) == "Europe/Paris"
    assert local_zone_name({"TZ": ":Asia/Tokyo"}) == "Asia/Tokyo"
    assert local_zone_name({"TZ": "/usr/share/zoneinfo/Europe/Rome"}) == "Europe/Rome"
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Australia/Adelaide")
    assert local_zone_name({}, localtime=link) == "Australia/Adelaide"
    assert local_zone_name({"TZ": "Not/AZone"}, localtime=link) == "Australia/Adelaide"
    name = local_zone_name({}, localtime=tmp_path / "missing")
    ZoneInfo(name)  # whatever the fallback found, it is a real zone ("UTC" at worst)


# --------------------------------------------------------------------------- status


def test_status_on_an_empty_history(service: Backroll) -> None:
    status = service.status()
    assert isinstance(status, Status)
    assert status.today == date(2025, 3, 10)
    assert status.prescription == Prescription(2, 4, 0) == status.advice.prescription
    assert status.to_json_dict() == {
        "today": "2025-03-10",
        "current_streak": 0,
        "longest_streak": 0,
        "practice_days": 0,
        "last_practice": None,
        "consistency": 0.0,
        "program": {"id": "bridge", "lifts": 2, "count": 4, "hold": 0},
        "advice": {"kind": "start", "message": status.advice.message, "reasons": list(status.advice.reasons)},
        "version": 1,
        "usual_pain": None,
        "pain_today": None,
        "day_after": None,
        "weekly_pain": [
            {"from": "2025-02-18", "to": "2025-02-24", "days": 0, "median": None},
            {"from": "2025-02-25", "to": "2025-03-03", "days": 0, "median": None},
            {"from": "2025-03-04", "to": "2025-03-10", "days": 0, "median": None},
        ],
    }


def test_status_follows_the_history_and_ignores_later_sessions(service: Backroll) -> None:
    for i in range(5):
        log(service, date(2025, 3, 5) + timedelta(days=i))
    status = service.status()
    data = status.to_json_dict()
    assert (data["current_streak"], data["longest_streak"], data["practice_days"]) == (5, 5, 5)
    assert data["last_practice"] == "2025-03-09"
    assert 0 < data["consistency"] <= 1
    assert isinstance(data["advice"]["kind"], str) and data["advice"]["reasons"]
    earlier = service.status(date(2025, 3, 6)).to_json_dict()
    assert earlier["practice_days"] == 2 and earlier["last_practice"] == "2025-03-06"


def test_routine_bridge_is_bound_to_the_advice(service: Backroll) -> None:
    routine = service.routine("bridge")
    assert routine.program == "bridge"
    assert service.prescription_of(routine) == service.status().prescription
    stronger = service.routine("bridge", Prescription(6, 5, 0))
    assert service.prescription_of(stronger) == Prescription(6, 5, 0)
    program = service.library.programs["bridge"]
    holding = program.routine_for(Prescription(8, 6, 4))
    assert derive_prescription(program, holding) == Prescription(8, 6, 4)
    assert service.prescription_of(service.routine("pelvic-tilt-check")) is None
    with pytest.raises(KeyError):
        service.routine("nope")
    assert "bridge" in service.routine_ids() and "pelvic-tilt-check" in service.routine_ids()


# --------------------------------------------------------------------------- sessions


def test_make_session_stamps_zone_day_and_prescription(service: Backroll) -> None:
    routine = service.routine("bridge", Prescription(3, 4, 0))
    steps = (StepResult(0, "hip-rocks", reps_planned=8, reps_done=8, completed=True),)
    # 00:30 UTC on 1 July is 01:30 in London: the practice day is London's.
    started = datetime(2025, 7, 1, 0, 30, tzinfo=UTC)
    session = service.make_session(routine, FakeResult(steps=steps), CheckIn(pain_after=0), started)
    assert uuid.UUID(session.id).version == 4
    assert session.zone == "Europe/London" and session.local_date == date(2025, 7, 1)
    assert session.started_at.utcoffset() == timedelta(hours=1) and session.started_at == started
    assert session.prescription == Prescription(3, 4, 0)
    assert session.steps == steps and session.duration == 95.0 and session.completed and not session.hurt
    assert session.origin == "app"
    other = service.make_session(service.routine("floor-flow"), FakeResult(), None, started)
    assert other.prescription is None and other.checkin == CheckIn() and other.id != session.id


def test_make_session_from_a_hurt_run(service: Backroll) -> None:
    hurt = HurtAt(step=1, pose="back-roll", side=Side.NONE, rep=2, phase=Phase.RAISE)
    session = service.make_session(
        service.routine("bridge"), FakeResult(completed=False, hurt_at=hurt), None, service.now()
    )
    assert session.hurt and session.hurt_at == hurt and not session.completed


def test_make_session_with_the_real_runner(service: Backroll) -> None:
    from tracker.runner import Runner

    t = [0.0]
    routine = service.routine("bridge")
    runner = Runner(routine, service.library.poses, service.settings, lambda: t[0])
    runner.start()
    while not runner.done and t[0] < 10_000:  # small steps: a big jump reads as a suspended laptop
        t[0] += 0.5
        runner.poll()
    result = runner.results()
    session = service.make_session(routine, result, CheckIn(stable=Stability.NO), service.now())
    service.save_session(session)
    assert service.get_session(session.id) == session
    assert session.completed and session.prescription == Prescription(2, 4, 0)
    planned = planned_results(routine, service.library, service.settings)
    assert [(r.index, r.pose, r.side, r.reps_planned) for r in session.steps] == [
        (r.index, r.pose, r.side, r.reps_planned) for r in planned
    ]


def test_planned_results_match_the_planned_length(service: Backroll) -> None:
    for routine_id in service.routine_ids():
        routine = service.routine(routine_id)
        results = planned_results(routine, service.library, service.settings)
        assert sum(r.seconds for r in results) == pytest.approx(service.planned_seconds(routine))


def test_sessions_filters_and_history_edits(service: Backroll) -> None:
    a = log(service, date(2025, 3, 1))
    b = log(service, date(2025, 3, 2), routine="floor-flow")
    c = log(service, date(2025, 3, 3))
    assert [s.id for s in service.sessions()] == [a.id, b.id, c.id]
    assert [s.id for s in service.sessions(since=date(2025, 3, 2))] == [b.id, c.id]
    assert [s.id for s in service.sessions(until=date(2025, 3, 2))] == [a.id, b.id]
    assert [s.id for s in service.sessions(routine="bridge")] == [a.id, c.id]

    noted = service.update_note(b.id, "hips tight")
    assert noted.checkin.note == "hips tight" and service.get_session(b.id) == noted
    removed = service.delete_session(b.id)
    assert removed == noted and service.get_session(b.id) is None
    service.restore_session(removed)
    assert service.get_session(b.id) == noted
    with pytest.raises(KeyError):
        service.update_note("no-such-id", "x")


def test_level_history(service: Backroll) -> None:
    log(service, date(2025, 3, 1), prescription=Prescription(2, 4, 0))
    log(service, date(2025, 3, 2), prescription=Prescription(3, 4, 0))
    assert service.level_history() == [
        (date(2025, 3, 1), Prescription(2, 4, 0)),
        (date(2025, 3, 2), Prescription(3, 4, 0)),
    ]


def test_settings_persist(tmp_path: Path, clock: Clock) -> None:
    with Backroll(tmp_path, now=clock) as first:
        assert first.settings == Settings()
        first.save_settings(replace(first.settings, tempo=1.5, rest_weekdays=frozenset({6})))
    with Backroll(tmp_path, now=clock) as second:
        assert second.settings.tempo == 1.5 and second.settings.rest_weekdays == frozenset({6})


def test_log_session_marks_the_planned_steps_done(service: Backroll) -> None:
    routine = service.routine("bridge", Prescription(4, 5, 0))
    session = service.log_session(routine, datetime(2025, 3, 9, 7, tzinfo=LONDON), CheckIn(), origin="cli")
    assert session.completed and session.origin == "cli" and session.prescription == Prescription(4, 5, 0)
    assert session.duration == pytest.approx(service.planned_seconds(routine))
    assert all(r.completed for r in session.steps)
    hurt = service.log_session(routine, datetime(2025, 3, 9, 7, tzinfo=LONDON), hurt=True)
    assert hurt.hurt and not hurt.completed and not any(r.completed for r in hurt.steps)


def test_the_store_opens_lazily(tmp_path: Path, clock: Clock) -> None:
    service = Backroll(tmp_path / "home", now=clock)
    assert not service.store_is_open and not (tmp_path / "home").exists()
    assert service.library.routines  # content needs no store
    service.status()
    assert service.store_is_open
    service.close()
    assert not service.store_is_open


def test_user_routine_errors_are_kept_for_display(tmp_path: Path, clock: Clock) -> None:
    folder = tmp_path / "home" / "routines"
    folder.mkdir(parents=True)
    (folder / "bad.toml").write_text("[routine\n")
    service = Backroll(tmp_path / "home", now=clock)
    assert service.library_errors and "bad.toml" in str(service.library_errors[0])


def test_settings_limits_live_in_the_model() -> None:
    from tracker.model import BREATH_RANGE, TEMPO_RANGE, Settings

    assert (
        Settings.from_dict({"tempo": TEMPO_RANGE[1], "breath_seconds": BREATH_RANGE[0]}).tempo
        == TEMPO_RANGE[1]
    )
    for bad in (
        {"tempo": 0},
        {"tempo": float("nan")},
        {"breath_seconds": 99},
        {"rest_weekdays": [7]},
        {"rest_days_per_week": 5},
    ):
        with pytest.raises(ValueError):
            Settings.from_dict(bad)


def test_the_lazy_re_exports_are_the_same_names_for_run_time_and_for_type_checkers() -> None:
    """service._LAZY declares what the service hands out on first use (its __getattr__); mypy cannot follow
    that, so the names are imported again under TYPE_CHECKING: the two must name the same things."""
    import ast
    import importlib

    import tracker.service as service

    typed: dict[str, str | None] = {}
    for node in ast.parse(Path(service.__file__).read_text()).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom):
                    typed |= {a.name: statement.module for a in statement.names if a.asname == a.name}
    assert typed == service._LAZY
    assert set(service._LAZY) <= set(service.__all__)
    for name, module in service._LAZY.items():
        assert getattr(service, name) is getattr(importlib.import_module(module), name), name


def test_one_read_answers_several_questions_from_one_snapshot_and_forgets_it(tmp_path: Path) -> None:
    """Today's status and its back question read the history once: another process's save in between is
    seen by neither, and by the next question once the read is left; a save through the service is seen at once."""
    home = tmp_path / "home"
    today = date(2026, 3, 10)
    moment = datetime(2026, 3, 10, 8, 0, tzinfo=LONDON)
    with Backroll(home, now=lambda: moment, zone="Europe/London") as service:
        service.record_pain(2, today)  # something saved: the quick read has a history to read
    reader = Backroll(home, now=lambda: moment, zone="Europe/London")
    writer = Backroll(home, now=lambda: moment, zone="Europe/London")
    bridge = writer.routine("bridge")
    try:
        with reader.one_read():
            before = reader.status(today, quick=True)
            writer.save_session(writer.make_session(bridge, FakeResult(), None, moment))  # another process
            assert reader.status(today, quick=True) == before  # the same read
            assert before.streak.practice_days == 0
        assert reader.status(today, quick=True).streak.practice_days == 1  # left: read again
        with reader.one_read():
            assert reader.status(today, quick=True).streak.practice_days == 1
            assert reader.status(today, quick=True).usual_pain is None
            reader.record_usual_pain(3, today)  # a write through this service: forgotten at once
            usual = reader.status(today, quick=True).usual_pain
            assert usual is not None and usual.value == 3
            reader.save_session(reader.make_session(bridge, FakeResult(), None, moment + timedelta(hours=1)))
            assert reader.status(today, quick=True).streak.practice_days == 1  # same day, read again
    finally:
        reader.close()
        writer.close()
