"""The pose figure in the terminal: the runner's figure moves with the count (Pilot, fake clock), f hides it,
it stands beside the count when wide and above it when narrow; the Library shows a pose's figure."""

from __future__ import annotations

import pytest

from tests.support import start_session, tick
from tracker.model import Phase
from tracker.service import raster
from tracker.ui.screens.session import SessionScreen
from tracker.ui.widgets.figure import FigureView


def figure_of(screen: SessionScreen) -> FigureView:
    return screen.query_one("#runner-figure", FigureView)


async def test_the_runners_figure_moves_with_a_raise_and_comes_back_with_the_lower(
    service, make, clock, settle
):
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_session(pilot)
        view = screen.runner.view()
        assert (view.pose_id, view.phase, view.counts) == ("hip-rocks", Phase.RAISE, 2)  # raise over 2 counts
        figure = figure_of(screen)
        pose = service.library.poses["hip-rocks"].figure
        start_hip = pose.keyframes[0].points()["hip"][1]
        end_hip = pose.keyframes[-1].points()["hip"][1]

        def hip() -> float:
            assert figure.frame is not None
            return figure.frame.geometry.point("hip")[1]

        assert (
            figure.frame is not None and figure.frame.phase == 0.0
        )  # the start of the raise: the start keyframe
        assert hip() == pytest.approx(start_hip, abs=1e-6)
        drawn = figure.render()
        assert str(drawn).strip()  # braille on screen

        await tick(pilot, clock, 1.0)  # one count of two
        assert figure.frame.phase == 0.5
        assert start_hip < hip() < end_hip

        await tick(pilot, clock, 1.0)  # the raise is done: the lower begins at the end keyframe
        assert screen.runner.view().phase is Phase.LOWER
        assert figure.frame.phase == 1.0
        assert hip() == pytest.approx(end_hip, abs=1e-6)

        await tick(pilot, clock, 1.0)  # halfway down
        assert figure.frame.phase == 0.5

        await pilot.press("space")  # paused: the figure stays
        before = figure.frame
        await tick(pilot, clock, 30.0)
        assert figure.frame == before


async def test_f_hides_the_figure_and_shows_it_again(service, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_session(pilot)
        figure = figure_of(screen)
        assert figure.display and figure.size.width > 0
        count_before = screen.query_one("#phase").region
        await pilot.press("f")
        await settle(pilot)
        assert not figure.display
        assert figure.frame is None
        assert screen.query_one("#phase").region.width > count_before.width  # the count takes the room
        await pilot.press("f")
        await settle(pilot)
        assert figure.display and figure.frame is not None


@pytest.mark.parametrize(
    ("size", "stacked"), [((140, 40), False), ((100, 30), False), ((80, 24), True), ((60, 18), True)]
)
async def test_the_figure_stands_beside_the_count_when_wide_and_above_it_when_narrow(
    service, make, clock, settle, size, stacked
):
    app = make(service)
    async with app.run_test(size=size) as pilot:
        screen = await start_session(pilot)
        await settle(pilot)
        figure = figure_of(screen).region
        count = screen.query_one("#phase").region
        assert figure.width > 0 and figure.height >= 3
        if stacked:
            assert figure.bottom <= count.y  # above the count
        else:
            assert figure.right <= count.x and figure.y == count.y  # beside it
        hurt = [b for b in screen.app.screen.active_bindings.values() if b.binding.key == "h"]
        assert hurt  # the "it hurts" key is still there


def test_a_drawing_is_cached_per_frame_and_size(service):
    frame = service.pose_frame("bridge", 0.5)
    assert frame is not None
    raster.cache_clear()
    first = raster(frame, 40, 10)
    assert raster(frame, 40, 10) is first
    assert raster.cache_info().hits == 1
    assert service.pose_frame("bridge", 0.5 + 1e-4) == frame  # phases round to steps: one drawing a step


async def test_the_library_draws_a_pose_at_its_end_and_a_routines_poses_under_its_card(service, make, settle):
    from tests.ui.test_library import open_library
    from tracker.ui.widgets.figure import FigureStrip
    from tracker.ui.widgets.library_tree import Entry

    app = make(service)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_library(app, pilot, settle)
        screen._move_to(Entry("pose", "bridge"))
        await settle(pilot)
        figure = screen.query_one("#library-figure", FigureView)
        assert figure.display and figure.frame is not None and figure.frame.phase == 1.0  # the end keyframe
        assert figure.frame.geometry.point("hip")[1] > 0.15  # the bridge's hips up
        strip = screen.query_one("#library-card-figures", FigureStrip)
        assert not strip.display
        screen._move_to(Entry("routine", "pelvic-tilt-check"))
        await settle(pilot)
        assert not figure.display and strip.display
        steps = service.library.routines["pelvic-tilt-check"].steps
        assert [name for name, _ in strip.items] == [
            service.library.poses[p].name for p in dict.fromkeys(s.pose for s in steps)
        ]
        assert all(frame.phase == 1.0 for _, frame in strip.items)
        assert sum(1 for ch in str(strip.render()) if 0x2801 <= ord(ch) <= 0x28FF) > 20
