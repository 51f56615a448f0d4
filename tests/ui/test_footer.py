"""The footer fits: every key it shows is shown whole, at 60, 80 and 100 columns, on every screen (issue 22)."""

from __future__ import annotations

import pytest
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel

from tests.support import answer_pain_before, settle

WIDTHS = [60, 80, 100]
VIEWS = ["today", "history", "progress", "library", "settings"]


def footer_line(app) -> str:
    return app.screen._compositor.render_strips()[-1].text


def assert_footer_fits(app, where: str) -> None:
    line = footer_line(app)
    footer = app.screen.query_one(Footer)
    keys = list(footer.query(FooterKey))
    assert keys, where
    for key in keys:
        shown = (
            key.key_display
            if "-grouped" in key.classes or not key.description
            else f"{key.key_display} {key.description}"
        )
        assert shown in line, f"{where}: {shown!r} cut or missing in {line!r}"
    for label in footer.query(FooterLabel):
        assert str(label.render()) in line, f"{where}: {label.render()!r} cut in {line!r}"
    palette = line.rfind("^p palette")
    assert palette >= 0 and not line[palette + len("^p palette") :].strip(), (
        f"{where}: stray text after the palette in {line!r}"
    )


@pytest.mark.parametrize("width", WIDTHS)
async def test_every_view_s_footer_fits(service, make, width) -> None:
    app = make(service)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        for number, view in enumerate(VIEWS, 1):
            if view != "today":
                await pilot.press(str(number))
                await settle(pilot)
            assert app.current_mode == view
            assert_footer_fits(app, f"{view} at {width}")
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await answer_pain_before(pilot)
        assert app.in_session
        assert_footer_fits(app, f"session at {width}")


async def test_the_footer_fits_after_a_resize(service, make) -> None:
    """At 60 columns a stray "Q" stayed after "^p palette", also after shrinking the window."""
    app = make(service)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        for width in (60, 80, 60, 100):
            await pilot.resize_terminal(width, 24)
            await settle(pilot)
            assert_footer_fits(app, f"today resized to {width}")


async def test_the_header_is_plain_ascii_on_every_view(service, make) -> None:
    """Textual's icon, U+2B58, is an empty box in the browser and in the README's SVGs (issue 22)."""
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for number, view in enumerate(VIEWS, 1):
            await pilot.press(str(number))
            await settle(pilot)
            top = app.screen._compositor.render_strips()[0].text
            assert top.strip() and top.isascii(), f"{view}: {top!r}"
