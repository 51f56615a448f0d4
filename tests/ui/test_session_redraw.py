"""What a redraw of the running session costs: a phase change lays nothing out again and restyles the
count once; the figure's later reps reuse the first rep's drawings (Pilot, fake clock)."""

from __future__ import annotations

from typing import Any

from tests.support import start_session, tick
from tracker.model import Phase
from tracker.ui.widgets.figure import FigureView


async def test_a_phase_change_restyles_the_count_once_and_lays_nothing_out(service, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_session(pilot)
        view = screen.runner.view()
        assert (view.phase, view.counts) == (Phase.RAISE, 2)
        await tick(pilot, clock, 1.0)  # count 2 of the raise
        await settle(pilot)

        layouts: list[Any] = []
        restyled: list[list[str]] = []
        refresh_layout = screen._refresh_layout
        update_nodes = app.stylesheet.update_nodes

        def counted_layout(*args: Any, **kwargs: Any) -> None:
            layouts.append(args)
            refresh_layout(*args, **kwargs)

        def counted_restyle(nodes: Any, animate: bool = False) -> None:
            nodes = list(nodes)
            restyled.append([str(node.id) for node in nodes])
            update_nodes(nodes, animate)

        screen._refresh_layout = counted_layout  # type: ignore[method-assign]
        app.stylesheet.update_nodes = counted_restyle  # type: ignore[method-assign]
        await tick(pilot, clock, 1.0)  # the raise is done: the lower begins
        await settle(pilot)

        phase = screen.phase_count
        assert screen.runner.view().phase is Phase.LOWER
        assert str(phase.phase_word.content) == "LOWER" and phase.has_class("-lower")
        assert not phase.has_class("-raise")
        assert layouts == []  # the phase word and the unit keep their one line: repainted, not laid out
        assert restyled == [["phase", "phase-word", "count", "count-unit"]]  # one batch, not one a class


async def test_the_figures_later_reps_reuse_the_first_reps_drawings(service, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_session(pilot)
        figure = screen.query_one("#runner-figure", FigureView)
        view = screen.runner.view()
        assert view.reps > 1
        rows = figure.size.height // 2
        first_rep: dict[object, object] = {}
        while screen.runner.view().rep == 1:
            await settle(pilot)
            first_rep[figure.frame] = figure.render_line(rows)
            await tick(pilot, clock, 1.0)
        assert screen.runner.view().rep == 2
        for _ in range(len(first_rep)):
            await settle(pilot)
            assert figure.frame in first_rep
            assert figure.render_line(rows) is first_rep[figure.frame]  # drawn once, in the first rep
            await tick(pilot, clock, 1.0)
