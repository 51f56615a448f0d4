"""The runner's count drawn as large as its box allows."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tracker.ui.widgets.bignum import BigNumber, best_scale, bitmap, render_rows


def test_glyphs_are_five_pixels_tall_with_a_gap_between() -> None:
    rows = bitmap("10")
    assert len(rows) == 5
    assert rows[0] == ".#..###"  # "1", a blank column, "0"


def test_scale_fills_the_box_without_overflowing() -> None:
    assert best_scale("4", 80, 8) == 3  # 16 half-rows / 5 pixels
    assert best_scale("4", 5, 20) == 1  # narrow: width decides
    assert best_scale("12", 100, 30) == 12
    for text, width, height in [("8", 40, 10), ("1:05", 60, 12), ("10", 9, 3)]:
        scale = best_scale(text, width, height)
        lines = render_rows(text, scale)
        assert len(lines) <= max(height, 3)
        assert max(len(line) for line in lines) <= max(width, len(bitmap(text)[0]))


def test_a_one_at_scale_two_is_drawn_with_half_blocks() -> None:
    lines = render_rows("1", 2)
    assert len(lines) == 5  # 10 half-rows
    assert lines[0] == "  ██  "
    assert lines[-1] == "██████"


class Show(App[None]):
    def compose(self) -> ComposeResult:
        yield BigNumber("3", id="n")


async def test_the_widget_grows_with_the_terminal_and_updates() -> None:
    app = Show()
    async with app.run_test(size=(40, 12)) as pilot:
        small = app.query_one(BigNumber).text_rows
        assert len(small) >= 10
        app.query_one(BigNumber).update("7")
        await pilot.pause()
        assert app.query_one(BigNumber).value == "7"
        assert app.query_one(BigNumber).text_rows != small
    app = Show()
    async with app.run_test(size=(120, 40)) as pilot:
        assert len(app.query_one(BigNumber).text_rows) > len(small)
