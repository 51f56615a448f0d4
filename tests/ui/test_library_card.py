"""The Library's before-you-start card: props, time at your tempo, room, cautions and notes of the chosen routine."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Static

from tests.support import open_view
from tracker.ui.screens.library import LibraryScreen
from tracker.ui.widgets.library_tree import Entry


def card_text(screen: LibraryScreen) -> str:
    return str(screen.query_one("#library-card", Static).content)  # markup as text (a Hanging renderable)


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


async def test_p_filters_the_routines_by_the_props_they_need(service, make, settle) -> None:
    from tests.ui.test_library import leaves
    from tracker.ui.screens.library import LibraryTree

    app = make(service)
    async with app.run_test(size=(110, 40)) as pilot:
        screen = await open_view(app, pilot, "library", LibraryScreen)

        def shown() -> set[str]:
            return {e.id for e in leaves(screen.query_one(LibraryTree)) if e.kind == "routine"}

        everything = shown()
        assert "back-strengthening-30" in everything
        await pilot.press("p")  # a mat at most
        await settle(pilot)
        assert screen.props_filter == "mat"
        mat_only = shown()
        assert "back-strengthening-30" not in mat_only and "pelvic-tilt-check" in mat_only
        for routine_id in mat_only:
            needed = {p.id for p in service.routine(routine_id).props_at_hand() if not p.optional}
            assert needed <= {"mat"}
        while screen.props_filter != "no-strap":
            await pilot.press("p")
            await settle(pilot)
        assert "back-strengthening-30" not in shown() and shown() < everything
        while screen.props_filter is not None:
            await pilot.press("p")
            await settle(pilot)
        assert shown() == everything
