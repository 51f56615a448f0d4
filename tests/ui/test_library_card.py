"""The Library's before-you-start card: props, time at your tempo, room, cautions and notes of the chosen routine."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Static

from tests.support import open_view
from tracker.ui.screens.library import LibraryScreen
from tracker.ui.widgets.library_tree import Entry


def card_text(screen: LibraryScreen) -> str:
    return str(screen.query_one("#library-card", Static).render())


async def test_the_card_shows_what_the_class_needs_and_follows_the_tempo(service, make, settle) -> None:
    service.save_settings(replace(service.settings, tempo=1.5))
    app = make(service)
    async with app.run_test(size=(110, 40)) as pilot:
        screen = await open_view(app, pilot, "library", LibraryScreen)
        screen._move_to(Entry("routine", "back-strengthening-30"))
        await settle(pilot)
        card = screen.query_one("#library-card", Static)
        text = card_text(screen)
        assert card.display and card.border_title == "Before you start"
        assert "Have at hand: a mat, a strap, 2 blocks" in text
        assert "If you like: a blanket" in text
        seconds = service.planned_seconds(service.routine("back-strengthening-30"))
        assert f"Time: {int(round(seconds)) // 60}:{int(round(seconds)) % 60:02d} at 1.5 s a count" in text
        assert "Room:" in text and "Mind" in text

        screen._move_to(Entry("routine", "floor-flow"))
        await settle(pilot)
        assert "Samabhasana" in card_text(screen) and "Room:" not in card_text(screen)

        screen._move_to(Entry("pose", "child"))
        await settle(pilot)
        assert not screen.query_one("#library-card", Static).display
