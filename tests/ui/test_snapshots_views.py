"""SVG snapshots of History, Progress, Library, Settings, Help and the note editor, plus Help's content.

Deterministic: fixed `now`, a seeded demo history (same UUIDs every run),
no cursor blink, workers awaited. Regenerate with `make test-snapshot-update`.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import Static

from tests.support import settle
from tracker.demo import generate_history
from tracker.ui.dialogs.help import SAFETY, HelpScreen
from tracker.ui.widgets.library_tree import Entry

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def eight_weeks_service(fresh_service):
    """Eight weeks of seeded demo practice ending today; Sunday a rest day; the safety note already seen."""
    service = fresh_service
    service.store.merge(
        generate_history(
            56, end=service.today(), zone=service.zone, library=service.library, settings=service.settings
        )
    )
    service.save_settings(
        replace(service.settings, safety_note_seen=True, sound=False, rest_weekdays=frozenset({6}))
    )
    return service


def _view(*keys: str, then=None):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if then is not None:
            await then(pilot)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_history(snap_compare, eight_weeks_service, make, size):
    assert snap_compare(make(eight_weeks_service), terminal_size=size, run_before=_view("2"))


def test_history_hurt_session_detail(snap_compare, eight_weeks_service, make):
    async def pick_hurt(pilot) -> None:
        screen = pilot.app.screen
        row = next(i for i, s in enumerate(screen.shown) if s.hurt)
        screen.query_one("DataTable").move_cursor(row=row, animate=False)

    assert snap_compare(
        make(eight_weeks_service), terminal_size=(120, 40), run_before=_view("2", then=pick_hurt)
    )


def test_history_note_editor(snap_compare, eight_weeks_service, make):
    assert snap_compare(make(eight_weeks_service), terminal_size=(80, 24), run_before=_view("2", "e"))


def test_history_delete_confirmation(snap_compare, eight_weeks_service, make):
    assert snap_compare(make(eight_weeks_service), terminal_size=(80, 24), run_before=_view("2", "d"))


@pytest.mark.parametrize("size", SIZES)
def test_progress(snap_compare, eight_weeks_service, make, size):
    assert snap_compare(make(eight_weeks_service), terminal_size=size, run_before=_view("3"))


@pytest.mark.parametrize("size", SIZES)
def test_library(snap_compare, eight_weeks_service, make, size):
    async def bridge(pilot) -> None:
        pilot.app.screen._move_to(Entry("routine", "bridge"))

    assert snap_compare(make(eight_weeks_service), terminal_size=size, run_before=_view("4", then=bridge))


def test_library_pose(snap_compare, eight_weeks_service, make):
    async def pose(pilot) -> None:
        pilot.app.screen._move_to(Entry("pose", "child"))

    assert snap_compare(make(eight_weeks_service), terminal_size=(120, 40), run_before=_view("4", then=pose))


@pytest.mark.parametrize("size", SIZES)
def test_settings(snap_compare, eight_weeks_service, make, size):
    assert snap_compare(make(eight_weeks_service), terminal_size=size, run_before=_view("5"))


def test_settings_with_errors(snap_compare, eight_weeks_service, make):
    async def bad(pilot) -> None:
        pilot.app.screen.query_one("#tempo").value = "9"
        pilot.app.screen.query_one("#rest-per-week").value = "5"

    assert snap_compare(make(eight_weeks_service), terminal_size=(80, 24), run_before=_view("5", then=bad))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, eight_weeks_service, make, size):
    assert snap_compare(make(eight_weeks_service), terminal_size=size, run_before=_view("2", "question_mark"))


async def test_help_lists_the_keys_of_every_view_and_the_safety_note(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.query_one("#help-keys", Static).render())
        for section in ("Everywhere", "Today", "History", "Progress", "Library", "Settings"):
            assert section in keys
        for description in ("Delete", "Undo delete", "Edit note", "Start routine", "Save", "Help"):
            assert description in keys
        assert "stop" in SAFETY and "doctor" in SAFETY and "diagnosis" in SAFETY
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
