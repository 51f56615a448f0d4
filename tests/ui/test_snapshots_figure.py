"""SVG snapshots of the pose figure in the runner at four sizes: beside the count from 90 columns, above it below.

The bridge program's first step, hip rocks, halfway up its raise (one count of two),
with the fake clock; deterministic like the other snapshots.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.support import start_session

SIZES = [pytest.param(size, id=f"{size[0]}x{size[1]}") for size in ((60, 18), (80, 24), (100, 30), (140, 40))]


@pytest.fixture
def quiet_service(fresh_service):
    fresh_service.save_settings(replace(fresh_service.settings, safety_note_seen=True, sound=False))
    return fresh_service


@pytest.mark.parametrize("size", SIZES)
def test_runner_figure(snap_compare, quiet_service, make, clock, size):
    async def run_before(pilot) -> None:
        screen = await start_session(pilot)
        clock.advance(1.0)  # halfway through the two-count raise
        screen.refresh_view()
        await pilot.pause()

    assert snap_compare(make(quiet_service), terminal_size=size, run_before=run_before)
