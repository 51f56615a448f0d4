"""Progress: streaks, consistency, heatmap, pain trend, level history and advice, from a generated history."""

from __future__ import annotations

from datetime import date, timedelta

from textual.widgets import Static

from tests.support import open_view
from tracker.demo import generate_history
from tracker.model import Prescription
from tracker.ui.screens.progress import (
    ProgressScreen,
    activity_by_day,
    describe_pain,
    pain_trend,
)
from tracker.ui.widgets.heatmap import CalendarHeatmap
from tracker.ui.widgets.level_chart import level_changes, weekly_levels
from tracker.ui.widgets.pain_chart import PainChart


def seed(service, days: int = 60) -> list:
    sessions = generate_history(
        days, end=service.today(), zone=service.zone, library=service.library, settings=service.settings
    )
    service.store.merge(sessions)
    return sessions


async def open_progress(app, pilot, settle) -> ProgressScreen:
    return await open_view(app, pilot, "progress", ProgressScreen)


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def test_weekly_levels_carry_the_last_level_forward() -> None:
    today = date(2025, 3, 12)  # Wednesday
    history = [
        (date(2025, 2, 24), Prescription(2, 4)),
        (date(2025, 2, 26), Prescription(3, 4)),
        (date(2025, 3, 11), Prescription(4, 4)),
    ]
    assert weekly_levels(history, today, weeks=4) == [
        None,
        Prescription(3, 4),
        Prescription(3, 4),
        Prescription(4, 4),
    ]
    assert level_changes(history + [(date(2025, 3, 12), Prescription(4, 4))]) == history


def test_pain_trend_and_its_words() -> None:
    assert describe_pain([]).startswith("No pain scores yet")
    words = describe_pain([4, 4, 3, 1, 1, 0])
    assert "latest 0" in words and "easing" in words
    assert "rising" in describe_pain([1, 1, 2, 3, 3, 2])  # +1.33 points
    # A few 1s among 0s is not a trend worth alarming anyone about.
    assert "steady" in describe_pain([0, 0, 0, 1, 0, 1])


async def test_progress_shows_streaks_heatmap_pain_levels_and_advice(service, make, settle) -> None:
    sessions = seed(service)
    status = service.status()
    app = make(service)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_progress(app, pilot, settle)
        assert str(status.streak.current) in text(screen, "#stat-current")
        assert str(status.streak.longest) in text(screen, "#stat-longest")
        assert f"{round(status.streak.consistency * 100)}%" in text(screen, "#stat-consistency")

        heatmap = screen.query_one(CalendarHeatmap)
        assert heatmap.today == service.today()
        assert heatmap.activity == activity_by_day(sessions)
        practised = {s.local_date for s in sessions}
        lit = sum(
            line[4:].count(glyph)
            for line in (heatmap.render_line(y).text for y in range(1, 8))
            for glyph in "░▒▓█"
        )
        glyphs_per_cell = heatmap.cell_width() - 1
        assert lit == glyphs_per_cell * len(
            {d for d in practised if d >= service.today() - timedelta(weeks=26)}
        )

        assert screen.query_one("#pain-sparkline", PainChart).data == [float(v) for v in pain_trend(sessions)]
        changes = text(screen, "#level-changes")
        first_change = level_changes(service.level_history())[-1]
        assert first_change[0].isoformat() in changes

        shown = " ".join(strip.text.strip(" │") for strip in app.screen._compositor.render_strips())
        assert status.advice.message[:30] in shown
        for reason in status.advice.reasons:
            assert reason[:30] in shown
        assert status.prescription.describe() in text(screen, "#progress-next")


async def test_progress_refreshes_after_a_new_session(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_progress(app, pilot, settle)
        assert "0 days" in text(screen, "#stat-current")
        assert "No pain scores yet" in text(screen, "#pain-caption")
        seed(service, days=5)
        screen.refresh_data()
        await settle(pilot)
        assert "5 days" in text(screen, "#stat-current")
        heatmap = screen.query_one(CalendarHeatmap)
        assert service.today() in heatmap.activity


async def test_a_narrow_calendar_keeps_the_latest_weeks_and_today(service, make, settle) -> None:
    """At 60 columns the calendar drops the oldest weeks, never the latest: today's marker shows."""
    from tests.support import practice_session
    from tracker.ui.widgets.heatmap import TODAY_MARK

    seed(service, days=20)
    service.store.merge([practice_session(service.today() - timedelta(days=1), hour=18)])
    app = make(service)
    async with app.run_test(size=(60, 30)) as pilot:
        screen = await open_progress(app, pilot, settle)
        heatmap = screen.query_one(CalendarHeatmap)
        shown = heatmap.shown_weeks()
        assert 0 < shown < 26
        # The whole grid fits inside the widget, which fits inside the screen.
        assert heatmap.region.right <= 60
        assert heatmap.get_content_width(heatmap.size, heatmap.size) <= heatmap.size.width
        rows = [heatmap.render_line(y).text for y in range(1, 8)]
        assert sum(row.count(TODAY_MARK) for row in rows) == 1
        # The last column is the week holding today; yesterday's practice is lit.
        assert (
            heatmap.start + timedelta(weeks=shown - 1)
            <= service.today()
            < heatmap.start + timedelta(weeks=shown)
        )
        column, row = divmod((service.today() - timedelta(days=1) - heatmap.start).days, 7)
        assert rows[row][4 + column * heatmap.cell_width()] in "░▒▓█"
        assert screen.query_one("#progress-calendar").border_title == f"Last {shown} weeks"
