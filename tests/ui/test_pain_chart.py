"""Pain bars on a fixed 0-10 scale: a 1 is a tenth of the height, never a spike."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tracker.ui.widgets.pain_chart import PainChart, bar_columns, cell


def test_a_one_in_a_row_of_zeros_is_a_tenth_of_the_height_not_a_spike() -> None:
    rows = 4
    column = [cell(1, r, rows) for r in range(rows)]  # bottom row first
    assert column == ["▃", " ", " ", " "]  # 1/10 of 32 eighths is about 3 eighths
    assert [cell(10, r, rows) for r in range(rows)] == ["█"] * 4
    assert [cell(0, r, rows) for r in range(rows)] == ["▁", " ", " ", " "]  # recorded, no pain
    assert [cell(5, r, rows) for r in range(rows)] == ["█", "█", " ", " "]


def test_each_score_gets_an_equal_share_of_the_width_newest_at_the_right() -> None:
    assert bar_columns([1, 2], 6) == [1, 1, 1, 2, 2, 2]
    assert bar_columns(list(range(10)), 4) == [6, 7, 8, 9]
    assert bar_columns([], 10) == []


class Show(App[None]):
    def compose(self) -> ComposeResult:
        yield PainChart(id="chart")


async def test_the_widget_draws_bars_from_the_bottom() -> None:
    app = Show()
    async with app.run_test(size=(20, 4)) as pilot:
        chart = app.query_one(PainChart)
        chart.data = [0.0, 10.0, 10.0]
        await pilot.pause()
        lines = [chart.render_line(y).text for y in range(chart.size.height)]
        # 6 columns each, right-aligned; a 0 is a thin line, a 10 fills the height
        assert lines == [" " * 8 + "█" * 12] * 3 + [" " * 2 + "▁" * 6 + "█" * 12]
