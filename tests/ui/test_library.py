"""Library: routines and poses with their details; s, Enter or the button starts a routine in the runner."""

from __future__ import annotations

from textual.widgets import Button, Static

from tests.support import answer_pain_before, open_view
from tracker.ui.screens.library import LibraryScreen
from tracker.ui.screens.session import SessionScreen
from tracker.ui.widgets.library_tree import Entry, LibraryTree


async def open_library(app, pilot, settle) -> LibraryScreen:
    return await open_view(app, pilot, "library", LibraryScreen)


def detail_text(screen: LibraryScreen) -> str:
    return str(screen.query_one("#library-detail", Static).content)  # markup as text (a Hanging renderable)


def leaves(tree: LibraryTree) -> list[Entry]:
    found = []

    def visit(node) -> None:
        if node.data is not None:
            found.append(node.data)
        for child in node.children:
            visit(child)

    visit(tree.root)
    return found


async def test_library_lists_every_routine_and_pose(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_library(app, pilot, settle)
        entries = leaves(screen.query_one(LibraryTree))
        routines = {e.id for e in entries if e.kind == "routine"}
        poses = {e.id for e in entries if e.kind == "pose"}
        assert routines == set(service.routine_ids())
        assert poses == set(service.library.poses)
        # The first routine is shown at once, with its steps, duration and source.
        text = detail_text(screen)
        assert "Steps" in text and "min at your tempo" in text and "Source:" in text


async def test_pose_details_show_cues_cautions_and_muscles(service, make, settle) -> None:
    pose = next(p for p in service.library.poses.values() if p.cautions and p.muscles)
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_library(app, pilot, settle)
        screen._move_to(Entry("pose", pose.id))
        await settle(pilot)
        text = detail_text(screen)
        assert pose.name in text
        assert pose.cues[0] in text
        assert "Cautions" in text and "Muscles" in text
        assert not screen.query_one("#library-start", Button).display
        await pilot.press("s")  # a pose is not runnable on its own: a message, no session
        await settle(pilot)
        assert app.session_screen is None


async def test_s_starts_the_selected_routine(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_library(app, pilot, settle)
        screen._move_to(Entry("routine", "pelvic-tilt-check"))
        await settle(pilot)
        assert "Pelvic" in detail_text(screen)
        await pilot.press("s")
        await settle(pilot)
        await answer_pain_before(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert app.session_screen is not None
        assert app.session_screen.routine.id == "pelvic-tilt-check"


async def test_enter_starts_the_bridge_program_at_todays_level(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_library(app, pilot, settle)
        screen._move_to(Entry("routine", "bridge"))
        await settle(pilot)
        level = service.status().prescription
        assert level.describe() in detail_text(screen)
        screen.query_one(LibraryTree).focus()
        await pilot.press("enter")
        await settle(pilot)
        await answer_pain_before(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert app.session_screen.routine.program == "bridge"


async def test_the_start_button_works_with_the_mouse(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_library(app, pilot, settle)
        screen._move_to(Entry("routine", "pelvic-tilt-check"))
        await settle(pilot)
        await pilot.click("#library-start")
        await settle(pilot)
        await answer_pain_before(pilot)
        assert isinstance(app.screen, SessionScreen)


async def test_next_and_sources_read_as_titles_not_ids_or_file_names(service, make, settle) -> None:
    """'Next bridge-series-next' and 'Source: 001_28fcc22c074eb76a.txt' were what the Library showed."""
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_library(app, pilot, settle)
        program = service.library.programs["bridge"]
        follow = service.routine(program.routine_for(program.rules.start).next or "")
        screen._move_to(Entry("routine", "bridge"))
        await settle(pilot)
        text = detail_text(screen)
        assert f"Next {follow.name}" in text and follow.id not in text
        assert "“Yoga For Back Pain, Part 2”" in text and ".txt" not in text
        screen._move_to(Entry("routine", "back-strengthening-30"))
        await settle(pilot)
        assert "Source: “Back Strengthening, Part 1” by Olivia Barry" in detail_text(screen)
        pose = next(p for p in service.library.poses.values() if p.source)
        screen._move_to(Entry("pose", pose.id))
        await settle(pilot)
        text = detail_text(screen)
        assert "Source: “" in text and ".txt" not in text


async def test_wrapped_bullets_hang_under_their_text(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_library(app, pilot, settle)
        card = screen.query_one("#library-card", Static)
        lines = [card.render_line(y).text.rstrip() for y in range(card.size.height)]
        bullets = [n for n, line in enumerate(lines) if line.lstrip().startswith("•")]
        assert bullets
        wrapped = 0
        for n in bullets:
            column = lines[n].index("•") + 2
            for follow in lines[n + 1 :]:
                if not follow.strip() or follow.lstrip().startswith("•"):
                    break
                assert follow[:column].strip() == "" and follow[column] != " ", (lines[n], follow)
                wrapped += 1
        assert wrapped  # the premise: at 80 columns some bullet wraps


async def test_every_routine_shows_its_length_even_with_a_long_name(service, make, settle, home) -> None:
    import re

    (home / "routines").mkdir(parents=True, exist_ok=True)
    (home / "routines" / "long.toml").write_text(
        '[routine]\nid = "long-one"\nname = "A routine with a very long name that runs past the panel"\n'
        'source = "my own"\n\n[[routine.steps]]\npose = "pelvic-tilt"\nkind = "reps"\nreps = 3\nraise = 3\nlower = 3\n'
    )
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_library(app, pilot, settle)
        tree = screen.query_one(LibraryTree)
        assert "long-one" in {e.id for e in leaves(tree)}
        width = tree.scrollable_content_region.width
        lines = [tree.render_line(y).text[:width] for y in range(tree.size.height)]
        shown = [line for line in lines if re.search(r"\d+m ", line)]
        assert any("A routine with a very" in line for line in shown)
        assert len(shown) == sum(1 for e in leaves(tree) if e.kind == "routine")
