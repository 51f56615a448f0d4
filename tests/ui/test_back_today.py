"""The day after in the app: Today's "How is your back today?" card, and the pain-before question offering
today's pain record (practice-rules.md, "The day after")."""

from __future__ import annotations

from datetime import timedelta

from tests.support import practice_session
from tracker.model import Prescription
from tracker.ui.screens.today import TodayScreen
from tracker.ui.widgets.back_today import BackTodayCard


def yesterday_bridge(service, before: int | None = 1) -> None:
    """Yesterday a first day at 3 lifts (raised from 2 the day before), pain before `before`."""
    today = service.today()
    service.save_session(practice_session(today - timedelta(days=2), Prescription(2, 4, 0)))
    service.save_session(
        practice_session(today - timedelta(days=1), Prescription(3, 4, 0), pain_before=before)
    )


async def test_the_card_asks_says_what_an_answer_does_and_one_digit_answers(service, make, settle):
    yesterday_bridge(service)
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        card = screen.query_one(BackTodayCard)
        assert (
            card.display and not card.has_focus and app.focused is screen.routine_list
        )  # the list keeps the keys it needs
        text = str(card.render())
        assert "Yesterday: 3 lifts, 1 before. From 3 up, Backroll will step back to 2 lifts" in text, text
        await pilot.press("4")
        await settle(pilot)
        records = service.pain_records()
        assert [(r.day, r.value) for r in records] == [(service.today(), 4)]
        assert not screen.query_one(BackTodayCard).display
        assert service.status().advice.kind.value == "step_back"
        assert app.screen is screen  # "4" answered the card; it did not switch to view 4


async def test_one_then_zero_is_ten_and_esc_dismisses_for_the_day(service, make, settle):
    yesterday_bridge(service)
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1", "0")
        await settle(pilot)
        assert [r.value for r in service.pain_records()] == [10]
    service2_records = service.pain_records()
    assert len(service2_records) == 1


async def test_esc_puts_the_card_away_for_the_day(service, make, settle):
    yesterday_bridge(service)
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.query_one(BackTodayCard).display
        screen.refresh_data()
        await settle(pilot)
        assert not screen.query_one(BackTodayCard).display
        assert service.pain_records() == []


async def test_no_card_without_a_bridge_day_or_once_today_has_a_score(service, make, settle):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one(BackTodayCard).display  # no practice yet
    yesterday_bridge(service)
    service.record_pain(2)
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one(BackTodayCard).display  # today already has a pain score


async def test_the_pain_before_question_offers_todays_record_and_enter_keeps_it(service, make, settle):
    from tracker.ui.dialogs.pain_before import PainBeforeScreen

    yesterday_bridge(service)
    service.record_pain(3)
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, PainBeforeScreen)
        assert "keeps today's 3" in str(question.query_one("#pain-before-keys").render())
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.pain_before == 3


async def test_the_pain_before_question_says_what_an_answer_will_do(service, make, settle):
    from tracker.ui.dialogs.pain_before import PainBeforeScreen

    yesterday_bridge(service)
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # the Today card: not now
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, PainBeforeScreen)
        hint = str(question.query_one("#pain-before-hint").render())
        assert "From 3 up, Backroll will step back to 2 lifts" in hint, hint
        await pilot.press("enter")  # nothing offered: Enter skips
        await settle(pilot)
        assert app.screen.pain_before is None


async def test_the_check_in_says_what_the_pain_before_will_do(service, make, settle):
    from tests.support import start_session
    from tracker.ui.dialogs.checkin import CheckInScreen

    yesterday_bridge(service)
    app = make(service)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # the Today card: not now
        await settle(pilot)
        await start_session(pilot, pain=4)
        await pilot.press("h")  # stopped because it hurt: saved at once, then the check-in
        await settle(pilot)
        for _ in range(3):
            if isinstance(app.screen, CheckInScreen):
                break
            await pilot.press("enter")
            await settle(pilot)
        assert isinstance(app.screen, CheckInScreen), app.screen
        text = str(app.screen.query_one("#pain-before-effect").render())
        assert "4 is 3 above yesterday's 1 before: Backroll will step back to 2 lifts." in text, text


async def test_history_lists_pain_records_as_their_own_rows(service, make, settle):
    from textual.widgets import DataTable

    from tests.support import open_view
    from tracker.ui.screens.history import PAIN_ROW, HistoryScreen
    from tracker.ui.widgets.session_detail import SessionDetail

    yesterday_bridge(service)
    service.record_pain(4, note="stiff after the drive")
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # (the Today card is answered already: nothing to put away)
        screen = await open_view(app, pilot, "history", HistoryScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 3
        first = table.get_row_at(0)
        assert (first[0], first[1], first[4]) == (service.today().isoformat(), PAIN_ROW, "4")
        detail = str(screen.query_one(SessionDetail).render())
        assert "never as a practice day" in detail and "stiff after the drive" in detail
        assert "2 sessions · 1 pain record" in str(screen.query_one("#history-count").render())


async def test_progress_shows_the_first_pain_score_trend_and_the_day_after(service, make, settle):
    from tests.support import open_view
    from tracker.ui.screens.progress import ProgressScreen

    yesterday_bridge(service)
    service.record_pain(4)
    app = make(service)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_view(app, pilot, "progress", ProgressScreen)
        await settle(pilot)
        caption = str(screen.query_one("#pain-caption").render())
        assert "First pain score of the day, weekly median (last 3 weeks): 2.5; today 4." in caption, caption
        assert "The day after: the morning after 3 lifts on" in caption and "your pain was 4" in caption, (
            caption
        )
