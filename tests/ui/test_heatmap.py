"""The calendar heatmap, read through its render output (render_line strips)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from textual.app import App, ComposeResult

from tracker.ui.widgets.heatmap import (
    LABEL_WIDTH,
    LEVEL_GLYPHS,
    REST_GLYPH,
    TODAY_MARK,
    CalendarHeatmap,
    DayActivity,
    grid_start,
    intensity,
)

TODAY = date(2025, 3, 12)  # a Wednesday


class HeatmapApp(App[None]):
    def __init__(self, heatmap: CalendarHeatmap) -> None:
        super().__init__()
        self.heatmap = heatmap

    def compose(self) -> ComposeResult:
        yield self.heatmap


async def rendered(heatmap: CalendarHeatmap, width: int = 80) -> list[str]:
    app = HeatmapApp(heatmap)
    async with app.run_test(size=(width, 24)):
        return [heatmap.render_line(y).text for y in range(10)]


def cell(lines: list[str], day: date, cell_width: int = 2, today: date = TODAY, weeks: int = 26) -> str:
    """The glyphs of one day's cell in the rendered lines."""
    offset = (day - grid_start(today, weeks)).days
    column, row = divmod(offset, 7)
    x = LABEL_WIDTH + column * cell_width
    return lines[1 + row][x : x + cell_width]


def test_grid_ends_with_the_week_holding_today() -> None:
    start = grid_start(TODAY, 26)
    assert start.weekday() == 0
    assert start + timedelta(weeks=25) <= TODAY < start + timedelta(weeks=26)


@pytest.mark.parametrize(
    ("activity", "level"),
    [
        (None, 0),
        (DayActivity(0, 0), 0),
        (DayActivity(1, 0), 1),
        (DayActivity(1, 9.9), 1),
        (DayActivity(1, 10), 2),
        (DayActivity(1, 25), 3),
        (DayActivity(1, 45), 4),
        (DayActivity(3, 2), 3),
        (DayActivity(9, 90), 4),
    ],
)
def test_intensity_rises_with_minutes_and_sessions(activity: DayActivity | None, level: int) -> None:
    assert intensity(activity) == level


async def test_practised_days_are_lit_and_others_are_not() -> None:
    practised = {
        TODAY: DayActivity(1, 12),  # level 2
        TODAY - timedelta(days=1): DayActivity(1, 35),  # level 4
        TODAY - timedelta(days=30): DayActivity(1, 5),  # level 1
        TODAY - timedelta(days=100): DayActivity(2, 25),  # level 3
    }
    lines = await rendered(CalendarHeatmap(practised, today=TODAY))
    assert cell(lines, TODAY - timedelta(days=1))[0] == LEVEL_GLYPHS[4]
    assert cell(lines, TODAY - timedelta(days=30))[0] == LEVEL_GLYPHS[1]
    assert cell(lines, TODAY - timedelta(days=100))[0] == LEVEL_GLYPHS[3]
    assert cell(lines, TODAY)[0] == LEVEL_GLYPHS[2]
    assert cell(lines, TODAY - timedelta(days=2))[0] == LEVEL_GLYPHS[0]
    lit = sum(line[LABEL_WIDTH:].count(glyph) for line in lines[1:8] for glyph in LEVEL_GLYPHS[1:])
    assert lit == len(practised)


async def test_today_is_marked_and_future_days_are_blank() -> None:
    lines = await rendered(CalendarHeatmap({}, today=TODAY))
    assert cell(lines, TODAY) == LEVEL_GLYPHS[0] + TODAY_MARK
    assert sum(line.count(TODAY_MARK) for line in lines[1:8]) == 1
    for ahead in range(1, 7 - TODAY.weekday()):
        assert cell(lines, TODAY + timedelta(days=ahead)).strip() == ""
    assert "(today)" in lines[9]


async def test_rest_weekdays_are_distinct_from_missed_days() -> None:
    sunday = TODAY - timedelta(days=TODAY.weekday() + 1)
    practised = {sunday - timedelta(days=7): DayActivity(1, 15)}
    lines = await rendered(CalendarHeatmap(practised, today=TODAY, rest_weekdays={6}))
    assert cell(lines, sunday)[0] == REST_GLYPH
    assert cell(lines, sunday - timedelta(days=7))[0] == LEVEL_GLYPHS[2]  # practice wins over rest
    assert cell(lines, sunday - timedelta(days=1))[0] == LEVEL_GLYPHS[0]
    assert lines[8].strip().startswith("less")
    assert "rest" in lines[8] and "today" in lines[8]


async def test_row_labels_and_month_labels() -> None:
    lines = await rendered(CalendarHeatmap({}, today=TODAY))
    assert [line[:3] for line in lines[1:8]] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    month_line = lines[0]
    assert "Mar" in month_line and "Feb" in month_line and "Oct" in month_line
    # March starts in the week of Monday 24 February: its label sits over that column.
    column = (date(2025, 2, 24) - grid_start(TODAY, 26)).days // 7
    assert month_line[LABEL_WIDTH + column * 2 :].startswith("Mar")


async def test_cells_widen_when_there_is_room() -> None:
    practised = {TODAY - timedelta(days=1): DayActivity(1, 35)}
    lines = await rendered(CalendarHeatmap(practised, today=TODAY), width=120)
    assert cell(lines, TODAY - timedelta(days=1), cell_width=4) == LEVEL_GLYPHS[4] * 3 + " "


async def test_arrow_keys_move_the_readout() -> None:
    practised = {TODAY - timedelta(days=7): DayActivity(2, 31)}
    heatmap = CalendarHeatmap(practised, today=TODAY)
    app = HeatmapApp(heatmap)
    async with app.run_test(size=(80, 24)) as pilot:
        heatmap.focus()
        await pilot.press("left")
        assert heatmap.cursor == TODAY - timedelta(days=7)
        assert heatmap.render_line(9).text.strip() == "Wed 2025-03-05: 2 sessions, 31 min"
        await pilot.press("right", "right")  # never past today
        assert heatmap.cursor == TODAY
        await pilot.press("home")
        assert heatmap.cursor == TODAY
