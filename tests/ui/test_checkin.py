"""The check-in on its own: every field optional, and a failed save never loses the session."""

from __future__ import annotations

import json

import pytest
from textual.app import App
from textual.widgets import Button, Static

from tracker.model import CheckIn
from tracker.runner import Runner
from tracker.store import StoreLocked, StoreWriteError
from tracker.ui.dialogs.checkin import CheckInScreen, FinishedRun


def finished_run(service, clock, now) -> FinishedRun:
    routine = service.routine("bridge")
    runner = Runner(routine, service.library.poses, service.settings, clock)
    runner.start()
    clock.advance(3)
    runner.poll()
    runner.stop()
    return FinishedRun(routine, runner.results(), now)


class Host(App[None]):
    """Just the dialog, to see what it dismisses with."""

    CSS_PATH = ["../../tracker/ui/app.tcss", "../../tracker/ui/flow.tcss"]  # as the app has them once loaded

    def __init__(self, screen: CheckInScreen) -> None:
        super().__init__()
        self.dialog = screen
        self.result: object = "not dismissed"

    def on_mount(self) -> None:
        self.push_screen(self.dialog, callback=self._done)

    def _done(self, result: object) -> None:
        self.result = result


async def test_saving_with_no_answers_is_fine(service, clock, now, settle):
    host = Host(CheckInScreen(service, finished_run(service, clock, now)))
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
    (saved,) = service.sessions()
    assert host.result == saved
    assert saved.checkin == CheckIn()
    assert not saved.completed


@pytest.mark.parametrize(
    "error",
    [
        StoreWriteError("The disk is full; nothing was written."),
        StoreLocked("Another Backroll holds the history.", pid=99, path=None),
    ],
)
async def test_a_failed_save_keeps_the_session_and_retry_saves_it(
    service, clock, now, settle, monkeypatch, error
):
    real_save = service.save_session
    calls = []

    def failing(session):
        calls.append(session)
        if len(calls) == 1:
            raise error
        real_save(session)

    monkeypatch.setattr(service, "save_session", failing)
    dialog = CheckInScreen(service, finished_run(service, clock, now))
    host = Host(dialog)
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.click("#save")
        await settle(pilot)
        assert host.result == "not dismissed"
        status = str(dialog.query_one("#checkin-status", Static).render())
        assert "Not saved" in status and str(error) in status
        assert dialog.query_one("#retry", Button).display and dialog.query_one("#export", Button).display
        assert not dialog.query_one("#save", Button).display
        assert dialog.session is not None  # kept in memory

        await pilot.click("#retry")
        await settle(pilot)
    assert [s.id for s in service.sessions()] == [calls[0].id]
    assert host.result == service.sessions()[0]


async def test_export_after_a_failed_save_writes_an_importable_file(
    service, home, clock, now, settle, monkeypatch
):
    def failing(session):
        raise StoreWriteError("The disk is read-only; nothing was written.")

    monkeypatch.setattr(service, "save_session", failing)
    dialog = CheckInScreen(service, finished_run(service, clock, now))
    host = Host(dialog)
    async with host.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.click("#save")
        await settle(pilot)
        await pilot.click("#export")
        await settle(pilot)
    assert host.result is None
    (path,) = (home / "exports").glob("backroll-unsaved-*.json")
    document = json.loads(path.read_text())
    assert document["format"] == "backroll.history"
    assert document["sessions"][0]["id"] == dialog.session.id

    from tracker.exchange import read_export

    assert [s.id for s in read_export(path)] == [dialog.session.id]


def _in_view(dialog, widget) -> bool:
    """The widget's whole region is inside the dialog's visible (scrolled) area."""
    return dialog.scrollable_content_region.contains_region(widget.region)


async def test_at_60x18_the_check_in_says_ctrl_s_saves_and_it_does(service, clock, now, settle):
    """Save is below the fold at 60x18: a visible hint, page keys that scroll, and ctrl+s from any field."""
    from textual.widgets import Input

    dialog = CheckInScreen(service, finished_run(service, clock, now))
    host = Host(dialog)
    async with host.run_test(size=(60, 18)) as pilot:
        await settle(pilot)
        form = dialog.query_one("#checkin-dialog")
        keys = dialog.query_one("#checkin-keys", Static)
        assert "ctrl+s" in str(keys.render()) and _in_view(form, keys)
        assert _in_view(form, dialog.query_one(".dialog-title"))
        assert not _in_view(form, dialog.query_one("#save", Button))  # the premise: Save is below the fold
        await pilot.press("pagedown", "pagedown", "pagedown")
        await pilot.pause()
        assert form.scroll_y > 0 and _in_view(form, dialog.query_one("#save", Button))
        await pilot.press("pageup", "pageup", "pageup")
        await pilot.pause()
        assert form.scroll_y == 0
        dialog.query_one("#note", Input).focus()
        await pilot.press("o", "k", "ctrl+s")
        await settle(pilot)
    (saved,) = service.sessions()
    assert host.result == saved and saved.checkin.note == "ok"
