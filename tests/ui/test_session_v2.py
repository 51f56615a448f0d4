"""The session screen on a v2 routine: the side of each alternating rep, and a staged cue when its breath comes."""

from __future__ import annotations

from textual.widgets import Label, Static

from tests.support import answer_pain_before
from tracker.ui.screens.session import SessionScreen


def label(screen, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())


async def tick(pilot, clock, seconds: float) -> None:
    """Move on second by second (a longer gap would count as a suspend)."""
    for _ in range(int(seconds)):
        clock.advance(1.0)
        pilot.app.screen.refresh_view()
    await pilot.pause()


async def test_alternating_leg_lifts_show_the_side_of_each_rep(service, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.start_routine("back-strengthening-30")
        await settle(pilot)
        await answer_pain_before(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        # child, then lunge and half split on the right, then on the left: the right comes first
        await pilot.press("n")
        await settle(pilot)
        assert label(screen, "#pose-title") == "Low lunge" and label(screen, "#pose-where") == "Right side"
        await tick(pilot, clock, 4 * 5.0)  # four breaths in: the lunge's second cue
        assert "widen your chest" in str(screen.query_one("#pose-cue", Static).render())
        await pilot.press("n")
        await settle(pilot)
        assert label(screen, "#pose-title") == "Half split" and label(screen, "#pose-where") == "Right side"
        titles = []
        for _ in range(3):  # the left side's lunge and half split, then the belly lift
            await pilot.press("n")
            await settle(pilot)
            titles.append((label(screen, "#pose-title"), label(screen, "#pose-where")))
        assert titles[:2] == [("Low lunge", "Left side"), ("Half split", "Left side")]
        await pilot.press("n")
        await settle(pilot)
        assert label(screen, "#pose-title") == "Alternating leg lifts"
        assert label(screen, "#pose-where") == "Right side · rep 1 of 8"
        await tick(pilot, clock, 9.0)  # raise 3, hold 3, lower 3 at 1 s a count
        assert label(screen, "#pose-where") == "Left side · rep 2 of 8"
        await tick(pilot, clock, 9.0)
        assert label(screen, "#pose-where") == "Right side · rep 3 of 8"
