"""History: rows, detail, delete with confirm and undo, note editing, filters; against a real store."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, Input, Label, Select, TextArea

from tests.support import open_view
from tracker.model import CheckIn, Felt, HurtAt, Phase, Prescription, Side, Stability
from tracker.sessions import build_session, planned_results
from tracker.ui.dialogs.confirm import ConfirmScreen
from tracker.ui.dialogs.note_edit import NoteEditScreen
from tracker.ui.screens.history import HistoryScreen, IsoDate
from tracker.ui.widgets.session_detail import SessionDetail


def seed(service) -> list:
    """Three sessions on three days: two bridge sessions (one hurt) and a pelvic-tilt check."""
    library, settings = service.library, service.settings
    made = []
    specs = [
        ("bridge", 3, Prescription(2, 4), CheckIn(2, 1, Stability.NO, Felt.RIGHT, "Stiff morning."), False),
        ("pelvic-tilt-check", 2, None, CheckIn(note="Checked the space."), False),
        ("bridge", 1, Prescription(3, 4), CheckIn(3, 4, None, Felt.HARD, "Twinge on the second lift."), True),
    ]
    for number, (routine_id, days_ago, level, checkin, hurt) in enumerate(specs):
        routine = library.routine(routine_id, level)
        started = (service.now() - timedelta(days=days_ago)).replace(hour=7, minute=number)
        steps = planned_results(routine, library, settings, done=not hurt)
        session = build_session(
            routine,
            started_at=started,
            zone=service.zone,
            steps=steps,
            duration=sum(s.seconds for s in steps),
            completed=not hurt,
            hurt=hurt,
            hurt_at=HurtAt(1, "back-roll", Side.NONE, 2, Phase.RAISE) if hurt else None,
            checkin=checkin,
            prescription=level,
            session_id=f"00000000-0000-4000-8000-00000000000{number}",
        )
        service.save_session(session)
        made.append(session)
    return made


async def open_history(app, pilot, settle) -> HistoryScreen:
    return await open_view(app, pilot, "history", HistoryScreen)


def test_iso_date_validator() -> None:
    validator = IsoDate()
    assert validator.validate("").is_valid
    assert validator.validate("2025-03-01").is_valid
    result = validator.validate("2025-13-01")
    assert not result.is_valid and "YYYY-MM-DD" in result.failure_descriptions[0]


async def test_history_shows_rows_newest_first_with_detail(service, make, settle) -> None:
    sessions = seed(service)
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(app, pilot, settle)
        table = screen.query_one(DataTable)
        assert table.row_count == 3
        newest = table.get_row_at(0)
        assert newest[0] == sessions[2].local_date.isoformat()
        assert newest[1] == service.library.programs["bridge"].name
        assert newest[3] == "3×4"
        assert newest[4] == "3→4"
        assert newest[5] == "hurt"
        detail = str(screen.query_one(SessionDetail).render())
        assert "Twinge on the second lift." in detail
        assert "Where it hurt" in detail and "rep 2" in detail
        await pilot.press("down")
        detail = str(screen.query_one(SessionDetail).render())
        assert "Checked the space." in detail


async def test_delete_confirm_and_undo_restores_the_exact_session(service, make, settle) -> None:
    sessions = seed(service)
    target = sessions[2]
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(app, pilot, settle)
        table = screen.query_one(DataTable)
        table.focus()
        assert screen.selected_id() == target.id
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert table.row_count == 2
        assert service.get_session(target.id) is None
        assert any("undo" in n.message for n in app._notifications)
        await pilot.press("u")
        await settle(pilot)
        assert table.row_count == 3
        assert service.get_session(target.id) == target
        assert screen.selected_id() == target.id
        await pilot.press("u")  # nothing left to undo: no change
        await settle(pilot)
        assert table.row_count == 3


async def test_declining_the_confirmation_keeps_the_session(service, make, settle) -> None:
    sessions = seed(service)
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(app, pilot, settle)
        screen.query_one(DataTable).focus()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot)
        assert screen.query_one(DataTable).row_count == 3
        assert service.get_session(sessions[2].id) is not None


async def test_edit_note_persists(service, make, settle, home, open_service) -> None:
    sessions = seed(service)
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(app, pilot, settle)
        screen.query_one(DataTable).focus()
        await pilot.press("down")  # the pelvic-tilt check
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditScreen)
        area = app.screen.query_one(TextArea)
        assert area.text == "Checked the space."
        area.text = "Plenty of space today."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "Plenty of space today." in str(screen.query_one(SessionDetail).render())
    service.close()
    reopened = open_service(home)
    try:
        assert reopened.get_session(sessions[1].id).checkin.note == "Plenty of space today."
    finally:
        reopened.close()


async def test_cancelled_note_edit_changes_nothing(service, make, settle) -> None:
    sessions = seed(service)
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(app, pilot, settle)
        screen.query_one(DataTable).focus()
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one(TextArea).text = "discard me"
        await pilot.press("escape")
        await settle(pilot)
        assert service.get_session(sessions[2].id).checkin.note == "Twinge on the second lift."


async def test_filters_narrow_rows_and_reject_bad_dates(service, make, settle) -> None:
    sessions = seed(service)
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(app, pilot, settle)
        table = screen.query_one(DataTable)
        select = screen.query_one("#history-routine", Select)
        select.value = "bridge"
        await settle(pilot)
        assert table.row_count == 2
        assert {screen.shown[i].routine for i in range(2)} == {"bridge"}

        since = screen.query_one("#history-since", Input)
        since.focus()
        await pilot.press(*sessions[2].local_date.isoformat())
        await settle(pilot)
        assert table.row_count == 1

        until = screen.query_one("#history-until", Input)
        until.value = "2025-02-30"  # not a date: the table keeps its rows, a message says why
        await settle(pilot)
        error = screen.query_one("#history-filter-error", Label)
        assert "YYYY-MM-DD" in str(error.render())
        assert table.row_count == 1

        until.value = (sessions[2].local_date - timedelta(days=5)).isoformat()  # before "from"
        await settle(pilot)
        assert "after" in str(error.render())

        table.focus()
        await pilot.press("c")
        await settle(pilot)
        assert table.row_count == 3
        assert since.value == "" and select.is_blank()


async def test_empty_history_says_how_to_start(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app, pilot, settle)
        assert screen.query_one(DataTable).row_count == 0
        assert "No sessions yet" in str(screen.query_one("#history-count", Label).render())
        await pilot.press("d")  # nothing selected: a gentle message, no dialog
        await pilot.pause()
        assert app.screen is screen


async def test_the_command_palette_offers_the_screen_actions(service, make, settle) -> None:
    from tracker.ui.commands import ScreenActions

    seed(service)
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(app, pilot, settle)

        async def names() -> list[str]:
            return [hit.text async for hit in ScreenActions(screen).discover()]

        assert "History: Delete" in await names()
        assert "History: Undo delete" not in await names()  # nothing to undo yet
        hits = [hit async for hit in ScreenActions(screen).search("delete")]
        delete = next(hit for hit in hits if "Delete" in str(hit.text) and "Undo" not in str(hit.text))
        await delete.command()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "History: Undo delete" in await names()


async def test_the_delete_question_names_the_time_and_the_undo_note_stays_in_history(
    service, make, settle
) -> None:
    sessions = seed(service)
    target = sessions[2]
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(app, pilot, settle)
        screen.query_one(DataTable).focus()
        assert screen.selected_id() == target.id
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert f"at {target.started_at.strftime('%H:%M')}?" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert any("Press u to undo" in n.message for n in app._notifications)
        await pilot.press("3")  # to Progress: u would not undo there, so the note goes
        await settle(pilot)
        assert not any("Press u to undo" in n.message for n in app._notifications)


async def test_escape_leaves_a_filter_field_for_the_list(service, make, settle) -> None:
    from textual.widgets import Input

    seed(service)
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(app, pilot, settle)
        since = screen.query_one("#history-since", Input)
        since.focus()
        await pilot.press("2", "0")
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is screen.query_one(DataTable)
        assert since.value == "20" and app.screen is screen


async def test_at_100x30_the_detail_shows_the_note_and_every_step(service, make, settle) -> None:
    """The pane was cut at 100x30: the note and the steps of a bridge session were below its edge."""
    seed(service)
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(app, pilot, settle)
        pane = screen.query_one("#history-detail-pane")
        for row in range(3):
            detail = screen.query_one(SessionDetail)
            text = str(detail.render())
            assert "Note:" in text and "Steps" in text
            assert pane.max_scroll_y == 0, (row, pane.size, detail.size)
            assert pane.scrollable_content_region.contains_region(detail.region)
            await pilot.press("down")
            await pilot.pause()
        assert screen.query_one(DataTable).size.height >= 4  # the list keeps a few rows


async def test_a_long_detail_scrolls_from_the_keyboard(service, make, settle) -> None:
    """Tab from the list focuses the detail pane; up/down/pgup/pgdn/home/end scroll it."""
    library, settings = service.library, service.settings
    longest = max(library.routines.values(), key=lambda r: len(r.steps))
    steps = planned_results(longest, library, settings, done=True)
    service.save_session(
        build_session(
            longest, started_at=service.now(), zone=service.zone, steps=steps,
            duration=sum(s.seconds for s in steps), completed=True, hurt=False, hurt_at=None,
            checkin=CheckIn(note="A long one."), prescription=None,
        )
    )  # fmt: skip
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(app, pilot, settle)
        pane = screen.query_one("#history-detail-pane")
        assert pane.max_scroll_y > 0  # the premise: more steps than lines
        await pilot.press("tab")
        await pilot.pause()
        assert screen.focused is pane
        await pilot.press("down")
        await pilot.pause()
        assert pane.scroll_y == 1
        await pilot.press("pagedown", "end")
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y
        await pilot.press("pageup", "home")
        await pilot.pause()
        assert pane.scroll_y == 0
        await pilot.press("shift+tab")
        assert screen.focused is screen.query_one(DataTable)


async def test_a_long_history_is_listed_a_page_at_a_time_and_more_as_you_scroll(service, make, settle):
    """450 sessions: the table opens with one page (200, newest first), the count says more are coming,
    and moving down past the last listed row lists the next page under it."""
    from tracker.demo import generate_history
    from tracker.ui.screens.history import PAGE

    history = generate_history(450, end=service.today() - timedelta(days=1), zone="Europe/Paris", seed=3)
    service.store.merge(history)
    total = len(service.sessions())
    assert total > 2 * PAGE
    app = make(service)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_history(app, pilot, settle)
        table = screen.query_one(DataTable)
        assert table.row_count == PAGE == screen.listed
        count = str(screen.query_one("#history-count", Label).render())
        assert f"{total} sessions" in count and f"{PAGE} listed" in count
        newest = max(service.sessions(), key=lambda s: (s.started_at, s.id))
        assert screen.selected().id == newest.id
        table.focus()
        table.move_cursor(row=PAGE - 1)
        await settle(pilot)
        assert table.row_count == 2 * PAGE  # the next page, listed under the last row
        await pilot.press("down")
        await settle(pilot)
        assert screen.selected().id == screen.shown[PAGE].id
        table.move_cursor(row=table.row_count - 1)
        await settle(pilot)
        assert table.row_count == total and "listed" not in str(
            screen.query_one("#history-count", Label).render()
        )


def test_a_step_left_part_way_says_how_many_reps_were_done() -> None:
    """Issue 22: "Hip rocks: skipped" for a step left at rep 5 of 8."""
    from tracker.model import StepResult
    from tracker.ui.widgets.session_detail import step_status

    assert (
        step_status(StepResult(index=0, pose="hip-rocks", reps_planned=8, reps_done=5, skipped=True))
        == "5 of 8 reps"
    )
    assert (
        step_status(StepResult(index=0, pose="hip-rocks", reps_planned=8, reps_done=8, completed=True))
        == "8 of 8 reps"
    )
    assert (
        step_status(StepResult(index=0, pose="hip-rocks", reps_planned=8, reps_done=0, skipped=True))
        == "skipped"
    )
    assert step_status(StepResult(index=1, pose="rest", seconds=40.0, skipped=True)) == "0:40, then skipped"
    assert step_status(StepResult(index=1, pose="rest", seconds=0.2, skipped=True)) == "skipped"
    assert step_status(StepResult(index=1, pose="rest", seconds=60.0, completed=True)) == "1:00"
