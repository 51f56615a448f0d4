"""Backroll itself, started the way `backroll` starts it, for the app benchmarks.

`python -m bench.our_app [--exit-after-first-frame] [--idle SECONDS] [--session SECONDS]`

The data home comes from $BACKROLL_HOME, as for `backroll`. It runs the
real start-up path, `tracker.cli.main([])` (cmd_app, open_app: the service,
then `make_app(service).run()`), with two seams: the terminal check passes,
and `BackrollApp.run` runs headless under the autopilot.

`--exit-after-first-frame` and `--idle` behave exactly as in bench/bare_app.py
(see bench/probe.py). `--session S` runs a routine of exactly S seconds
(back rolls, then a bridge hold, from the real poses) in the real runner on
the real clock, started through `app.start_routine` like the Start key, and
prints one JSON line on fd 1:

    lateness_ms   per change of the big number (count, or seconds left) or
                  of the phase: when the frame showing it was handed to the
                  driver, minus when the runner's timeline made it due
                  (drawn_lateness_ms: to the redraw that updated the widgets)
    end_error_ms  when the app ended the session (the redraw that found the
                  runner finished) minus the planned end (start + planned
                  length); end_shown_error_ms: the first frame after it (the
                  check-in screen, composed and laid out)
    planned_s     the runner's planned length
    cpu, wall     process CPU seconds and wall seconds from the start of the
                  session to its end
    redraws       how many times the session screen redrew, frames: how
                  many frames were handed to the driver meanwhile

The instrumentation wraps SessionScreen.refresh_view and App._display at
runtime; nothing in the product is changed for it. While the session runs the
autopilot sleeps until the probe sees the end on screen (an asyncio.Event): a
harness that polled would add its own wake-ups to the CPU it measures (at
20 Hz, about 0.2% of a core here).
"""

from __future__ import annotations

import asyncio
import math
import sys
import time
from pathlib import Path
from typing import Any

from bench.probe import report, watch

ROUTINE_ID = "bench-session"
BACK_ROLL_SECONDS = 8  # raise 4 + lower 4 counts at the default tempo (1 s a count)


def routine_toml(seconds: int) -> str:
    """A user routine of exactly `seconds` at the default settings: back rolls, then a bridge hold."""
    if seconds < 2 * BACK_ROLL_SECONDS:
        reps, hold = 1, seconds - BACK_ROLL_SECONDS
    else:
        reps = max(1, (seconds * 2 // 3) // BACK_ROLL_SECONDS)
        hold = seconds - reps * BACK_ROLL_SECONDS
    if hold < 1:
        raise SystemExit(f"--session needs at least {BACK_ROLL_SECONDS + 1} seconds")
    return f"""\
[routine]
id = "{ROUTINE_ID}"
name = "Benchmark session ({seconds} s)"
summary = "Back rolls, then a held bridge: exactly {seconds} seconds at the default tempo."
repeats = 1

[[routine.steps]]
pose = "back-roll"
kind = "reps"
reps = {reps}
raise = 4
lower = 4

[[routine.steps]]
pose = "bridge"
kind = "hold"
hold = {{ seconds = {hold} }}
"""


def _home() -> Path:
    from tracker.paths import resolve_home

    return resolve_home(None)


def _write_routine(seconds: int) -> None:
    folder = _home() / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{ROUTINE_ID}.toml").write_text(routine_toml(seconds), encoding="utf-8")


class SessionProbe:
    """Times each visible change of the session screen against the runner's timeline."""

    def __init__(self, app: Any, clock: Any) -> None:
        self.app = app
        self.clock = clock
        self.lateness: list[float] = []
        self.drawn: list[float] = []  # the same, to the redraw that updated the widgets (timer lateness)
        self.pending: list[float] = []  # due times of changes drawn but not yet displayed
        self.last_key: tuple[Any, ...] | None = None
        self.redraws = 0
        self.frames = 0
        self.start_clock: float | None = None
        self.start_cpu = 0.0
        self.first_cpu: float | None = None  # at the session screen's first redraw (composed and mounted)
        self.first_clock = 0.0
        self.planned_end: float | None = None
        self.ended_at: float | None = None
        self.end_cpu = 0.0
        self.end_shown_at: float | None = None
        self.end_shown = asyncio.Event()  # set with end_shown_at: the autopilot waits on it, without polling
        self.planned_s = 0.0

    def install(self) -> None:
        from tracker.ui.screens.session import SessionScreen

        probe = self
        original_refresh = SessionScreen.refresh_view
        original_display = self.app._display

        def refresh_view(screen: Any) -> None:
            original_refresh(screen)
            probe.after_redraw(screen)

        def display(screen: Any, renderable: Any) -> None:
            original_display(screen, renderable)
            if renderable is not None:
                probe.displayed()

        SessionScreen.refresh_view = refresh_view  # type: ignore[method-assign]
        self.app._display = display

    def after_redraw(self, screen: Any) -> None:
        now = self.clock()
        runner = screen.runner
        self.redraws += 1
        if self.first_cpu is None:
            self.first_cpu = time.process_time()
            self.first_clock = now
        if self.planned_end is None and runner.status != "ready":
            # The runner's timeline starts at its first clock read (start()).
            self.planned_s = runner.planned_seconds
            self.planned_end = runner._raw(runner._start_eff) + runner.planned_seconds
        segments = runner._segments
        if runner._cursor >= len(segments):
            if runner.status == "finished" and self.ended_at is None:
                self.ended_at = now
                self.end_cpu = time.process_time()
            return
        if runner.status != "running":
            return
        index = runner._cursor
        seg = segments[index]
        view = runner.view()
        anchor = runner._anchor
        if seg.unit_len > 0 and view.count is not None:
            shown = view.count
            due = anchor + seg.start + (shown - 1) * seg.unit_len
        else:  # seconds left, shown rounded up: S appears when S seconds are left
            shown = max(0, math.ceil((view.phase_left or 0.0) - 1e-9))
            due = anchor + max(seg.start, seg.end - shown)
        key = (index, shown)
        if key != self.last_key:
            self.last_key = key
            self.pending.append(runner._raw(due))
            self.drawn.append((now - runner._raw(due)) * 1000)

    def displayed(self) -> None:
        if self.start_clock is None:
            return
        self.frames += 1
        if self.ended_at is not None and self.end_shown_at is None:
            self.end_shown_at = self.clock()  # the first frame after the end: the check-in screen
            self.end_shown.set()
        if not self.pending:
            return
        now = self.clock()
        for due in self.pending:
            self.lateness.append((now - due) * 1000)
        self.pending.clear()


def _session_autopilot(seconds: int) -> Any:
    async def autopilot(pilot: Any) -> None:
        app = pilot.app
        await pilot.pause()
        while not app.ready:  # Today has loaded once: the Start key works
            await asyncio.sleep(0.05)
        await pilot.pause()
        probe = SessionProbe(app, app.clock)
        probe.install()
        app.start_routine(ROUTINE_ID)
        # A new session first asks the pain before (nothing is timed while it waits): skip it, like Enter.
        from tracker.ui.dialogs.pain_before import PainBeforeScreen

        while not isinstance(app.screen, PainBeforeScreen):
            await asyncio.sleep(0.01)
        probe.start_cpu = time.process_time()
        probe.start_clock = app.clock()
        await pilot.press("enter")
        try:
            await asyncio.wait_for(probe.end_shown.wait(), timeout=seconds + 30)
        except TimeoutError:
            pass  # reported below as a session that did not end
        if probe.ended_at is None or probe.planned_end is None:
            report({"error": "the session did not end", "lateness_ms": probe.lateness})
            app.exit(return_code=1)
            return
        # The first redraw is at the start: lateness counts from the runner's start, not the key press.
        report(
            {
                "lateness_ms": [round(x, 3) for x in probe.lateness],
                "drawn_lateness_ms": [round(x, 3) for x in probe.drawn],
                "end_error_ms": round((probe.ended_at - probe.planned_end) * 1000, 3),
                "end_shown_error_ms": round(
                    ((probe.end_shown_at or probe.ended_at) - probe.planned_end) * 1000, 3
                ),
                "planned_s": probe.planned_s,
                "cpu": probe.end_cpu - probe.start_cpu,
                "wall": probe.ended_at - probe.start_clock,
                "cpu_after_mount": probe.end_cpu - (probe.first_cpu or probe.start_cpu),
                "wall_after_mount": probe.ended_at - (probe.first_clock or probe.start_clock),
                "redraws": probe.redraws,
                "frames": probe.frames,
            }
        )
        app.exit()

    return autopilot


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    session = int(argv[argv.index("--session") + 1]) if "--session" in argv else 0
    if session:
        _write_routine(session)

    # The real `backroll` path (tracker.cli.main -> cmd_app -> open_app), with two seams: stdin/stdout
    # count as a terminal, and BackrollApp.run runs headless under the autopilot.
    from tracker import cli
    from tracker.cli import app as cli_app
    from tracker.ui.app import BackrollApp

    run = BackrollApp.run

    def headless_run(app: BackrollApp, *args: Any, **kwargs: Any) -> Any:
        autopilot = _session_autopilot(session) if session else watch(app, argv)
        return run(app, headless=True, auto_pilot=autopilot)

    BackrollApp.run = headless_run  # type: ignore[method-assign]
    cli_app._isatty = lambda stream: True  # type: ignore[assignment]  # where open_app looks
    return cli.main([])


if __name__ == "__main__":
    raise SystemExit(main())
