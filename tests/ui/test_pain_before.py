"""The pain before is asked before the first count (one key skips), kept through a cut-off, editable at the check-in."""

from __future__ import annotations

import pytest
from textual.widgets import Select

from tests.support import settle, start_session, tick
from tracker.ui.dialogs.checkin import CheckInScreen
from tracker.ui.dialogs.confirm import ConfirmScreen
from tracker.ui.dialogs.pain_before import PainBeforeScreen
from tracker.ui.dialogs.safety import HurtNoteScreen
from tracker.ui.screens.session import SessionScreen
from tracker.ui.screens.today import TodayScreen


async def _stop_and_open_check_in(pilot) -> CheckInScreen:
    await pilot.press("q")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmScreen)
    await pilot.press("y")  # "End session"
    await settle(pilot)
    checkin = pilot.app.screen
    assert isinstance(checkin, CheckInScreen)
    return checkin


async def test_a_new_session_asks_before_the_first_count_and_nothing_counts_meanwhile(service, make, clock):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, PainBeforeScreen)
        session = app.session_screen
        assert isinstance(session, SessionScreen) and session.runner.status == "ready"
        clock.advance(40.0)  # a slow answer: none of it is practice
        await pilot.press("2")  # view keys are off: 2 answers, it does not open History
        await settle(pilot)
        assert app.screen is session and app.current_mode == "today"
        assert session.runner.status == "running" and session.pain_before == 2
        assert session.runner.view().elapsed < 1.0


@pytest.mark.parametrize(
    ("keys", "pain"),
    [
        (["7"], 7),
        (["0"], 0),
        (["1", "0"], 10),
        (["1", "enter"], 1),
        (["enter"], None),
        (["s"], None),
        (["²", "3"], 3),
    ],
)  # ² is a key of its own on a French keyboard: a digit to str.isdigit, not to int()
async def test_digits_answer_and_one_key_skips(service, make, keys, pain):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, PainBeforeScreen)
        await pilot.press(*keys)
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen) and app.screen.pain_before == pain


async def test_the_answer_is_recorded_and_editable_at_the_check_in(service, make, clock):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, pain=4)
        await tick(pilot, clock, 3.0)
        checkin = await _stop_and_open_check_in(pilot)
        assert checkin.query_one("#pain-before", Select).value == 4
        assert app.focused is checkin.query_one(
            "#pain-after", Select
        )  # the question not yet answered comes first
        await pilot.press("ctrl+s")
        await settle(pilot)
    (saved,) = service.sessions()
    assert saved.checkin.pain_before == 4

    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, pain=8)
        await tick(pilot, clock, 3.0)
        checkin = await _stop_and_open_check_in(pilot)
        checkin.query_one("#pain-before", Select).value = 3  # changed at the end: the last word counts
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert sorted(s.checkin.pain_before for s in service.sessions()) == [3, 4]


async def test_the_session_h_saves_at_once_carries_the_pain_before(service, make, clock):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, pain=5)
        await tick(pilot, clock, 2.0)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HurtNoteScreen)
        (saved,) = service.sessions()  # on disk before any answer
        assert saved.hurt and saved.checkin.pain_before == 5


@pytest.mark.parametrize("key", ["escape", "q"])
async def test_esc_or_q_goes_back_without_starting_or_leaving_anything(service, home, make, key):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, PainBeforeScreen)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen) and not app.in_session and app.is_running
        assert service.sessions() == []
        assert (
            list((home / "in-progress").glob("*.json")) == []
        )  # no checkpoint left to offer at the next launch
        await start_session(pilot, pain=2)  # and a session starts again as usual


@pytest.mark.parametrize("leave", ["escape", "skip-button"])
async def test_leaving_the_check_in_after_h_keeps_the_pain_before(service, make, clock, leave):
    """Issue 22: Esc (or "Skip the answers") after h erased the pain before given at the start (4 became None)."""
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, pain=4)
        await tick(pilot, clock, 2.0)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HurtNoteScreen)
        await pilot.press("enter")
        await settle(pilot)
        checkin = app.screen
        assert isinstance(checkin, CheckInScreen)
        assert checkin.query_one("#pain-before", Select).value == 4
        checkin.query_one("#pain-after", Select).value = 6  # an answer given in the check-in is kept too
        if leave == "escape":
            await pilot.press("escape")
        else:
            await pilot.click("#skip-rest")
        await settle(pilot)
        assert not isinstance(app.screen, CheckInScreen)
    (saved,) = service.sessions()
    assert saved.hurt
    assert (saved.checkin.pain_before, saved.checkin.pain_after) == (4, 6)


async def test_esc_in_the_check_in_of_a_session_ended_early_keeps_what_is_given(service, make, clock):
    """One meaning for Esc in the check-in, whatever ended the session: skip the rest, keep the answers given."""
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot, pain=3)
        await tick(pilot, clock, 3.0)
        await _stop_and_open_check_in(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    (saved,) = service.sessions()
    assert saved.checkin.pain_before == 3 and not saved.completed
