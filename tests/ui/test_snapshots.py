"""SVG snapshots of Today, the runner (running and paused), the check-in, the hurt note and the safety note.

Deterministic: fixed `now`, a fake monotonic clock, a seeded demo history,
no cursor blink, workers awaited. Regenerate with `make test-snapshot-update`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.support import settle, start_session
from tracker.demo import generate_history
from tracker.ui.screens.session import SessionScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def three_weeks_service(fresh_service, now):
    """Three weeks of seeded demo practice ending yesterday; the safety note already seen."""
    fresh_service.store.merge(
        generate_history(21, end=now.date() - timedelta(days=1), zone=fresh_service.zone)
    )
    fresh_service.save_settings(replace(fresh_service.settings, safety_note_seen=True, sound=False))
    return fresh_service


def _session_at(clock, seconds: float, *, pause: bool = False, skip: int = 0, pain: int | None = None):
    async def run_before(pilot) -> None:
        screen = await start_session(pilot, pain=pain)
        assert isinstance(screen, SessionScreen)
        for _ in range(skip):
            await pilot.press("n")
        remaining = seconds
        while remaining > 0:  # below the runner's suspend gap
            step = min(4.0, remaining)
            clock.advance(step)
            remaining -= step
            screen.refresh_view()
        if pause:
            await pilot.press("space")
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_today(snap_compare, three_weeks_service, make, size):
    assert snap_compare(make(three_weeks_service), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_first_launch_safety_note(snap_compare, fresh_service, make, size):
    assert snap_compare(make(fresh_service), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_runner_running(snap_compare, three_weeks_service, make, clock, size):
    assert snap_compare(
        make(three_weeks_service), terminal_size=size, run_before=_session_at(clock, 2.5, skip=1)
    )


@pytest.mark.parametrize("size", SIZES)
def test_runner_paused(snap_compare, three_weeks_service, make, clock, size):
    assert snap_compare(
        make(three_weeks_service), terminal_size=size, run_before=_session_at(clock, 5.5, pause=True)
    )


@pytest.mark.parametrize("size", SIZES)
def test_hurt_note(snap_compare, three_weeks_service, make, clock, size):
    async def run_before(pilot) -> None:
        await _session_at(clock, 3.0, skip=1)(pilot)
        await pilot.press("h")
        await pilot.pause()

    assert snap_compare(make(three_weeks_service), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_check_in(snap_compare, three_weeks_service, make, clock, size):
    async def run_before(pilot) -> None:
        await _session_at(clock, 3.0, pain=3)(pilot)  # the pain before, given at the start, shows filled in
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)

    assert snap_compare(make(three_weeks_service), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_pain_before(snap_compare, three_weeks_service, make, size):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(make(three_weeks_service), terminal_size=size, run_before=run_before)
