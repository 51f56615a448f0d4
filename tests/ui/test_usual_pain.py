"""Usual pain in the app: recorded in Settings, shown on Progress, and explained under the check-in's pain-after."""

from __future__ import annotations

from datetime import date

from test_checkin import Host, finished_run
from test_settings import open_settings
from textual.widgets import Input, Select, Static

from tracker.ui.dialogs.checkin import CheckInScreen
from tracker.ui.screens.progress import ProgressScreen


async def test_settings_records_usual_pain_and_progress_shows_it(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_settings(app, pilot, settle)
        assert "None recorded" in str(screen.query_one("#usual-current", Static).render())
        screen.query_one("#usual-value", Input).value = "3"
        screen.query_one("#usual-date", Input).value = "2025-03-10"
        screen.query_one("#usual-note", Input).value = "physio, March"
        screen.query_one("#usual-record").press()
        await settle(pilot)
        (record,) = service.usual_pain()
        assert (record.value, record.since, record.note) == (3, date(2025, 3, 10), "physio, March")
        assert "Your usual pain: 3" in str(screen.query_one("#usual-current", Static).render())
        await pilot.press("3")
        await settle(pilot)
        progress = app.screen
        assert isinstance(progress, ProgressScreen)
        caption = str(progress.query_one("#pain-caption", Static).render())
        assert "Usual pain 3 since 2025-03-10" in caption and "physio, March" in caption


async def test_settings_refuses_a_usual_pain_out_of_range(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_settings(app, pilot, settle)
        screen.query_one("#usual-value", Input).value = "12"
        screen.query_one("#usual-record").press()
        await settle(pilot)
        assert service.usual_pain() == []


async def test_check_in_says_what_the_pain_after_answer_will_do(service, clock, now, settle) -> None:
    service.record_usual_pain(3, date(2025, 3, 1), "doctor")
    host = Host(CheckInScreen(service, finished_run(service, clock, now)))
    async with host.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        effect = host.screen.query_one("#pain-after-effect", Static)
        assert "usual pain is 3" in str(effect.render())
        host.screen.query_one("#pain-after", Select).value = 4
        await settle(pilot)
        assert "Above your usual 3: counts as pain" in str(effect.render())
        host.screen.query_one("#pain-after", Select).value = 2
        await settle(pilot)
        assert "At or below your usual 3" in str(effect.render())
