"""Never lose a session: `h` saves at once, a checkpoint survives the app, and the next launch offers it.

Real service, real store and real checkpoint files in a temp home; the
"cut off" session is left by a real app that gets a real SIGTERM (its own
signal handler writes the checkpoint and exits through Textual).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import stat
from datetime import timedelta

from textual.widgets import Button, Label, Select

from tests.support import start_session, tick
from tracker.checkpoint import CheckpointFile
from tracker.ui.dialogs.checkin import CheckInScreen
from tracker.ui.dialogs.confirm import ConfirmScreen
from tracker.ui.dialogs.resume import ResumeScreen
from tracker.ui.dialogs.safety import HurtNoteScreen
from tracker.ui.screens.session import SessionScreen
from tracker.ui.screens.today import TodayScreen


async def start(pilot, settle) -> SessionScreen:
    return await start_session(pilot)


def in_progress(home) -> list:
    folder = home / "in-progress"
    return sorted(p for p in folder.glob("*.json")) if folder.is_dir() else []


def title(screen) -> str:
    return str(screen.query_one(".dialog-title", Label).render())


async def test_h_saves_the_hurt_at_once_and_skipping_the_check_in_keeps_it(
    service, home, make, clock, settle
):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, settle)
        session_id = screen.session_id
        await pilot.press("n")
        await tick(pilot, clock, 3.0)
        await pilot.press("h")
        await settle(pilot)
        # On disk before any answer, while the stop-if-it-hurts note is still up.
        assert isinstance(app.screen, HurtNoteScreen)
        (saved,) = service.sessions()
        assert saved.id == session_id and saved.hurt and saved.hurt_at is not None
        assert (saved.hurt_at.pose, saved.hurt_at.step, saved.hurt_at.rep) == ("back-roll", 1, 1)
        assert saved.duration > 0
        assert in_progress(home) == []  # the record replaces the checkpoint

        await pilot.press("enter")
        await pilot.pause()
        checkin = app.screen
        assert isinstance(checkin, CheckInScreen)
        assert str(checkin.query_one("#skip-rest", Button).label) == "Skip the rest"
        assert not checkin.query("#discard")  # nothing to leave unsaved
        await pilot.press("escape")  # the old way to lose it
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert isinstance(app.screen, TodayScreen)
    (kept,) = service.sessions()
    assert kept.id == session_id and kept.hurt and kept.hurt_at == saved.hurt_at


async def test_the_check_in_adds_its_answers_to_the_record_h_saved(service, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, settle)
        await tick(pilot, clock, 2.0)
        await pilot.press("h")
        await settle(pilot)
        (first,) = service.sessions()
        await pilot.press("enter")
        await pilot.pause()
        checkin = app.screen
        checkin.query_one("#pain-after", Select).value = 6
        await pilot.click("#save")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    (updated,) = service.sessions()
    assert updated.id == first.id == screen.session_id
    assert updated.checkin.pain_after == 6 and updated.hurt_at == first.hurt_at


async def test_a_failed_save_at_h_keeps_the_checkpoint_and_says_so(
    service, home, make, clock, settle, monkeypatch
):
    from tracker.store import StoreLocked

    def locked(session):
        raise StoreLocked("The history is in use by process 99 (backroll log).", pid=99, path=None)

    monkeypatch.setattr(service.store, "add", locked)  # the save at h (resume.record)
    monkeypatch.setattr(service.store, "save", locked)  # and the check-in's save (save_session)
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, settle)
        await tick(pilot, clock, 2.0)
        await pilot.press("h")
        await settle(pilot)
        assert service.sessions() == []
        (path,) = in_progress(home)
        assert json.loads(path.read_text())["hurt_at"]["pose"] == "hip-rocks"
        assert any("Not saved yet" in str(n.message) for n in app._notifications)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")  # skipping the answers tries again, and fails: the retry path shows
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen) and app.screen.failed
        monkeypatch.undo()
        await pilot.click("#retry")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    (saved,) = service.sessions()
    assert saved.hurt and saved.hurt_at.pose == "hip-rocks"
    assert in_progress(home) == []


async def test_a_checkpoint_is_written_while_the_session_runs(service, home, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, settle)
        await pilot.press("n")  # a step boundary
        await tick(pilot, clock, 3.0)
        await settle(pilot)
        screen.checkpoint.writer.wait()
        (path,) = in_progress(home)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        data = json.loads(path.read_text())
        assert data["session_id"] == screen.session_id and data["routine"] == "bridge"
        assert data["block"] == 1 and data["status"] == "running"
        assert (
            data["prescription"] == screen.prescription.to_dict()
            if screen.prescription
            else data["prescription"]
        )
        assert data["started_at"].startswith("2025-03-12T07:30") and data["zone"] == "Europe/Paris"


async def cut_off(
    service, make, clock, settle, *, skip: int = 1, seconds: float = 9.0, pain: int | None = None
) -> dict:
    """Run the bridge a little way, then SIGTERM the app: its handler writes the checkpoint and exits."""
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_session(pilot, pain=pain)
        for _ in range(skip):
            await pilot.press("n")
        await tick(pilot, clock, 4.0)
        await tick(pilot, clock, seconds - 4.0)
        view = screen.runner.view()
        assert signal.SIGTERM in app._signals
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(100):
            await asyncio.sleep(0.02)
            if app.return_code is not None:
                break
    assert app.return_code == 128 + signal.SIGTERM
    return {"session_id": screen.session_id, "block": view.block, "rep": view.rep, "title": view.title}


async def offered(pilot, settle) -> ResumeScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ResumeScreen), type(screen).__name__
    return screen


async def test_resume_goes_on_from_where_the_session_was_cut_off(
    service, home, open_service, make, clock, settle
):
    where = await cut_off(service, make, clock, settle)
    (path,) = in_progress(home)
    assert json.loads(path.read_text())["where"].startswith("step 2 of 3 · Back roll")
    service.close()

    again = open_service(home)
    app = make(again)
    async with app.run_test(size=(80, 24)) as pilot:
        offer = await offered(pilot, settle)
        assert "cut off" in title(offer) and "Back roll" in str(offer.query_one("#resume-text").render())
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert screen.session_id == where["session_id"]
        view = screen.runner.view()
        assert screen.runner.status == "paused"
        assert (view.block, view.title, view.rep) == (where["block"], where["title"], where["rep"])
        assert view.count == 1 and view.phase.value == "raise"  # the rep cut in the middle starts again
        assert view.elapsed >= 9.0  # the time done so far carries over
        await pilot.press("space")
        for _ in range(200):
            await tick(pilot, clock, 4.0)
            if isinstance(app.screen, CheckInScreen):
                break
        await settle(pilot)
        assert "ended early" in title(app.screen)  # the first step was skipped before the cut
        await pilot.click("#save")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    (saved,) = again.sessions()
    assert saved.id == where["session_id"] and not saved.completed
    assert saved.steps[0].skipped and all(
        step.completed for step in saved.steps[1:]
    )  # before the cut, and after
    assert in_progress(home) == []
    again.close()


async def test_save_as_ended_early_goes_to_the_check_in(service, home, open_service, make, clock, settle):
    where = await cut_off(service, make, clock, settle)
    service.close()
    again = open_service(home)
    app = make(again)
    async with app.run_test(size=(80, 24)) as pilot:
        await offered(pilot, settle)
        await pilot.press("s")
        await settle(pilot)
        checkin = app.screen
        assert isinstance(checkin, CheckInScreen) and "ended early" in title(checkin)
        checkin.query_one("#pain-after", Select).value = 1
        await pilot.click("#save")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    (saved,) = again.sessions()
    assert saved.id == where["session_id"] and not saved.completed and not saved.hurt
    assert saved.checkin.pain_after == 1 and saved.duration >= 9.0
    assert saved.local_date.isoformat() == "2025-03-12" and saved.zone == "Europe/Paris"
    assert in_progress(home) == []
    again.close()


async def test_discard_asks_first(service, home, open_service, make, clock, settle):
    await cut_off(service, make, clock, settle)
    service.close()
    again = open_service(home)
    app = make(again)
    async with app.run_test(size=(80, 24)) as pilot:
        await offered(pilot, settle)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await offered(pilot, settle)  # back to the offer, nothing gone
        assert len(in_progress(home)) == 1
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    assert again.sessions() == [] and in_progress(home) == []
    again.close()


async def test_later_keeps_it_for_the_next_launch(service, home, open_service, make, clock, settle):
    await cut_off(service, make, clock, settle)
    service.close()
    again = open_service(home)
    app = make(again)
    async with app.run_test(size=(80, 24)) as pilot:
        await offered(pilot, settle)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    assert len(in_progress(home)) == 1 and again.sessions() == []
    app = make(again)
    async with app.run_test(size=(80, 24)) as pilot:
        await offered(pilot, settle)
    again.close()


async def test_an_old_checkpoint_is_saved_as_ended_early_without_asking(
    service, home, open_service, make, clock, settle
):
    where = await cut_off(service, make, clock, settle)
    service.close()
    later = open_service(home, now=service.now() + timedelta(hours=13))
    app = make(later)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert any("more than 12 hours" in str(n.message) for n in app._notifications)
    (saved,) = later.sessions()
    assert saved.id == where["session_id"] and not saved.completed
    assert saved.local_date.isoformat() == "2025-03-12"  # the day it started, not the day it was found
    assert in_progress(home) == []
    later.close()


async def test_a_damaged_checkpoint_is_kept_aside_and_the_app_starts(service, home, make, settle):
    folder = home / "in-progress"
    folder.mkdir(mode=0o700)
    bad = folder / "0b6f3c1e-8f5a-4a8e-9a57-2f0e6c1d7a11.json"
    bad.write_bytes(b'{"format": "backroll.checkpoint", "version": 1, "session_id": ')
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen) and app.ready
        assert any("damaged" in str(n.message) for n in app._notifications)
    assert not bad.exists()
    (aside,) = folder.glob(f"{bad.name}.damaged-*")
    assert aside.read_bytes().startswith(b'{"format"')


async def test_a_session_running_in_another_window_is_neither_offered_nor_deleted(
    service, home, open_service, make, clock, settle
):
    await cut_off(service, make, clock, settle)
    (path,) = in_progress(home)
    other_window = CheckpointFile(path.parent, path.stem)
    assert other_window.claim()  # the other window holds its lock (an flock of its own)
    try:
        app = make(service)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, TodayScreen)
        assert in_progress(home) == [path] and service.sessions() == []
    finally:
        other_window.release()


async def test_n_on_the_last_step_asks_like_q(service, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, settle)
        await pilot.press("n", "n")
        await pilot.pause()
        assert screen.runner.view().next_title is None and screen.runner.status == "running"
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and screen.runner.status == "paused"
        await pilot.press("n")  # keep going
        await pilot.pause()
        assert app.screen is screen and screen.runner.status == "running"
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen) and "ended early" in title(app.screen)


async def _stop_and_open_check_in(pilot) -> CheckInScreen:
    from tests.support import settle

    await pilot.press("q")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmScreen)
    await pilot.press("y")  # "End session"
    await settle(pilot)
    checkin = pilot.app.screen
    assert isinstance(checkin, CheckInScreen)
    return checkin


async def test_a_resumed_session_does_not_ask_again_and_keeps_the_answer(
    service, home, open_service, make, clock, settle
):
    await cut_off(service, make, clock, settle, pain=6)
    (path,) = in_progress(home)
    assert json.loads(path.read_text())["pain_before"] == 6
    service.close()

    again = open_service(home)
    app = make(again)
    async with app.run_test(size=(80, 24)) as pilot:
        await offered(pilot, settle)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)  # not the question again
        assert screen.pain_before == 6
        await pilot.press("space")  # resumed sessions start paused
        await tick(pilot, clock, 2.0)
        checkin = await _stop_and_open_check_in(pilot)
        assert checkin.query_one("#pain-before", Select).value == 6
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    (saved,) = again.sessions()
    assert saved.checkin.pain_before == 6


async def test_saving_a_cut_off_session_as_it_stood_keeps_the_answer(
    service, home, open_service, make, clock, settle
):
    await cut_off(service, make, clock, settle, pain=3)
    service.close()
    again = open_service(home)
    app = make(again)
    async with app.run_test(size=(80, 24)) as pilot:
        await offered(pilot, settle)
        await pilot.press("s")  # save as it stood
        await settle(pilot)
        checkin = app.screen
        assert isinstance(checkin, CheckInScreen)
        assert checkin.query_one("#pain-before", Select).value == 3
        await pilot.press("ctrl+s")
        await settle(pilot)
    (saved,) = again.sessions()
    assert saved.checkin.pain_before == 3
