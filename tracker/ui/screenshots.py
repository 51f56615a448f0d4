"""Write one SVG per screen from a seeded demo history: `python -m tracker.ui.screenshots DIR [--size 100x30]`.

Every scene runs the real app in `run_test` on its own temporary home, with
a fixed `now` and a fake monotonic clock, so the pictures only change when
the screens do.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

from .protocol import backroll_of

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from .screens.library import LibraryScreen
    from .screens.session import SessionScreen

ZONE = "Europe/London"
NOW = datetime(2025, 3, 12, 7, 30, tzinfo=ZoneInfo(ZONE))
DEMO_DAYS = 42


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


Scene = Callable[["Pilot[None]", FakeClock], Awaitable[None]]


async def _settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _run_for(pilot: Pilot[None], clock: FakeClock, seconds: float) -> None:
    screen = cast("SessionScreen", pilot.app.screen)
    while seconds > 0:  # in steps below the runner's suspend gap
        step = min(4.0, seconds)
        clock.advance(step)
        seconds -= step
        screen.refresh_view()
    await pilot.pause()


async def _start(
    pilot: Pilot[None], clock: FakeClock, routine: str = "bridge", skip: int = 0, seconds: float = 0.0
) -> None:
    from .dialogs.pain_before import PainBeforeScreen

    backroll_of(pilot.app).start_routine(routine)
    await _settle(pilot)
    if isinstance(pilot.app.screen, PainBeforeScreen):
        await pilot.press("3")  # the pain before, asked before the first count
        await _settle(pilot)
    for _ in range(skip):
        await pilot.press("n")
    await _run_for(pilot, clock, seconds)


async def today(pilot: Pilot[None], clock: FakeClock) -> None:
    pass


async def pain_before(pilot: Pilot[None], clock: FakeClock) -> None:
    backroll_of(pilot.app).start_routine("bridge")
    await _settle(pilot)


async def session(pilot: Pilot[None], clock: FakeClock) -> None:
    await _start(pilot, clock, skip=1, seconds=2.5)


async def session_paused(pilot: Pilot[None], clock: FakeClock) -> None:
    await _start(pilot, clock, skip=1, seconds=6.5)
    await pilot.press("space")


async def observation(pilot: Pilot[None], clock: FakeClock) -> None:
    await _start(pilot, clock, "pelvic-tilt-check")


async def hurt_note(pilot: Pilot[None], clock: FakeClock) -> None:
    await _start(pilot, clock, skip=1, seconds=3.0)
    await pilot.press("h")


async def check_in(pilot: Pilot[None], clock: FakeClock) -> None:
    await hurt_note(pilot, clock)
    await pilot.press("enter")


async def resume_offer(pilot: Pilot[None], clock: FakeClock) -> None:
    """The launch offer for a session cut off ten minutes ago, three lifts into the back rolls."""
    from .dialogs.resume import ResumeScreen

    service = backroll_of(pilot.app).service
    routine = service.routine("bridge")
    runner = service.start_run(routine, clock)
    runner.start()
    runner.skip()
    for _ in range(5):  # in steps below the runner's suspend gap
        clock.advance(3.8)
        runner.poll()
    checkpoint = service.in_progress.capture(
        runner,
        session_id="5f0c2a9e-3b1d-4c8e-9a7f-2d6b1e0c4a11",
        routine=routine,
        started_at=NOW - timedelta(minutes=10),
    )
    pilot.app.push_screen(ResumeScreen(checkpoint))


def _view(mode: str) -> Scene:
    async def scene(pilot: Pilot[None], clock: FakeClock) -> None:
        await pilot.app.switch_mode(mode)
        await _settle(pilot)

    scene.__name__ = mode
    return scene


def _card(routine_id: str) -> Scene:
    """The Library on one routine: its before-you-start card at the top of the details."""

    async def scene(pilot: Pilot[None], clock: FakeClock) -> None:
        from .widgets.library_tree import Entry

        await pilot.app.switch_mode("library")
        await _settle(pilot)
        cast("LibraryScreen", pilot.app.screen)._move_to(Entry("routine", routine_id))
        await _settle(pilot)

    scene.__name__ = f"card-{routine_id}"
    return scene


async def help_screen(pilot: Pilot[None], clock: FakeClock) -> None:
    await pilot.press("question_mark")


async def command_palette(pilot: Pilot[None], clock: FakeClock) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)
    await pilot.press(*"start")
    await pilot.pause(0.5)


async def store_error(pilot: Pilot[None], clock: FakeClock) -> None:
    from ..service import StoreLocked
    from .screens.store_error import StoreErrorScreen

    # A fixed, typical path (not the temp home's) so the picture is the same on every run.
    lock = Path("/home/you/.local/share/backroll/backroll.lock")
    pilot.app.push_screen(
        StoreErrorScreen(StoreLocked("Another Backroll is using this history.", pid=4242, path=lock))
    )


# name -> (scene, first launch?)
SCENES: dict[str, tuple[Scene, bool]] = {
    "today": (today, False),
    "safety-note": (today, True),
    "pain-before": (pain_before, False),
    "session": (session, False),
    "session-paused": (session_paused, False),
    "session-observation": (observation, False),
    "hurt-note": (hurt_note, False),
    "check-in": (check_in, False),
    "resume": (resume_offer, False),
    "history": (_view("history"), False),
    "progress": (_view("progress"), False),
    "library": (_view("library"), False),
    "before-you-start": (_card("back-strengthening-30"), False),
    "before-you-start-floor-flow": (_card("floor-flow"), False),
    "settings": (_view("settings"), False),
    "help": (help_screen, False),
    "command-palette": (command_palette, False),
    "store-error": (store_error, False),
}


def _prepare_home(home: Path, first_launch: bool) -> None:
    from ..demo import generate_history
    from ..service import Backroll

    with Backroll(home, now=lambda: NOW, zone=ZONE) as service:
        service.store.merge(generate_history(DEMO_DAYS, end=NOW.date() - timedelta(days=1), zone=ZONE))
        service.save_settings(replace(service.settings, safety_note_seen=not first_launch, sound=False))


async def shoot(name: str, out: Path, size: tuple[int, int]) -> Path:
    from ..service import Backroll
    from .app import make_app

    scene, first_launch = SCENES[name]
    with tempfile.TemporaryDirectory(prefix="backroll-shot-") as tmp:
        home = Path(tmp) / "home"
        _prepare_home(home, first_launch)
        clock = FakeClock()
        with Backroll(home, now=lambda: NOW, zone=ZONE) as service:
            app = make_app(service, clock=clock, cursor_blink=False, voice_program="")
            async with app.run_test(size=size) as pilot:
                await _settle(pilot)
                await scene(pilot, clock)
                await _settle(pilot)
                app.save_screenshot(f"{name}.svg", str(out))
    return out / f"{name}.svg"


async def shoot_all(out: Path, size: tuple[int, int], names: list[str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    return [await shoot(name, out, size) for name in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tracker.ui.screenshots", description=__doc__.splitlines()[0]
    )
    parser.add_argument("out", type=Path, help="folder for the SVGs")
    parser.add_argument("--size", default="100x30", help="terminal size, WIDTHxHEIGHT (default 100x30)")
    parser.add_argument(
        "--only", action="append", choices=sorted(SCENES), help="only this scene (repeatable)"
    )
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    for path in asyncio.run(shoot_all(args.out, (width, height), args.only or list(SCENES))):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
