"""Real sessions to kill: worker.py's forking loop, with one more task that runs the app on the real clock.

    python tests/reliability/session_worker.py

Same protocol as worker.py ({"spawn": TASK, ...} / {"wait": PID}); the
extra task is

    session  {"home", "routine", "finish": false}
             `backroll --home HOME` exactly as the command runs it (tracker.cli.main,
             the real app, real clock, real signal handlers), headless instead of on a
             terminal. When the launch offers a session cut off, the child prints
             "offer PID ID BLOCK POSITION" (the checkpoint's) and resumes it ("r"),
             printing "resumed PID ID BLOCK POSITION" once the runner is back, then
             unpauses; otherwise it prints "fresh PID" and starts ROUTINE. While the
             session runs it prints "at PID CLOCK BLOCK POSITION" at every redraw
             (CLOCK is time.monotonic(), the same clock as the parent's). With
             "finish" it saves the offered session as ended early instead
             ("saved PID ID"). When the app has returned: "returned PID CODE".

Forking from a process that has already imported Textual and the app makes a
start take a fraction of a second, so a test can kill a hundred sessions.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import worker
from worker import emit

import tracker.ui.app
import tracker.ui.dialogs.checkin
import tracker.ui.dialogs.resume
import tracker.ui.screens.session
import tracker.ui.screens.today  # noqa: F401


def task_session(home: str, routine: str, finish: bool = False) -> None:
    import tracker.cli.app
    from tracker import cli
    from tracker.ui.app import BackrollApp
    from tracker.ui.dialogs.checkin import CheckInScreen
    from tracker.ui.dialogs.resume import ResumeScreen
    from tracker.ui.screens.session import SessionScreen

    pid = os.getpid()

    async def autopilot(pilot: Any) -> None:
        app = pilot.app

        async def until(predicate: Any, timeout: float = 30.0) -> bool:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and app.return_code is None:
                if predicate():
                    return True
                await asyncio.sleep(0.02)
            return False

        if not await until(lambda: app.ready):
            emit(f"error {pid} Today never loaded")
            app.exit(return_code=1)
            return

        # The launch check runs in a worker after Today's first load; wait for its answer.
        def busy(group: str) -> bool:
            return any(w.group == group and not w.is_finished for w in app.workers)

        await until(
            lambda: (
                isinstance(app.screen, ResumeScreen) or (app._in_progress_checked and not busy("in-progress"))
            ),
            10.0,
        )
        await pilot.pause()
        screen = app.screen
        if isinstance(screen, ResumeScreen):
            checkpoint = screen.checkpoint
            emit(f"offer {pid} {checkpoint.session_id} {checkpoint.block} {checkpoint.position:.3f}")
            if finish:
                await pilot.press("s")
                await until(lambda: isinstance(app.screen, CheckInScreen))
                await pilot.press("ctrl+s")
                await until(
                    lambda: (
                        app.service.store.get(checkpoint.session_id) is not None
                        and not busy("checkpoint-end")
                    )
                )
                emit(f"saved {pid} {checkpoint.session_id}")
                app.exit()
                return
            await pilot.press("r")
            await until(lambda: isinstance(app.screen, SessionScreen))
            session = app.screen
            runner = session.runner
            emit(f"resumed {pid} {session.session_id} {runner.view().block - 1} {runner._position():.3f}")
            await pilot.press("space")
        else:
            emit(f"fresh {pid}")
            app.start_routine(routine)
            from tracker.ui.dialogs.pain_before import PainBeforeScreen

            await until(
                lambda: isinstance(app.screen, PainBeforeScreen)
            )  # a new session asks the pain before
            await pilot.press("enter")  # skipped: the count starts now
            await until(lambda: isinstance(app.screen, SessionScreen))
        session = app.screen
        original = session.refresh_view

        def refresh_view() -> None:
            original()
            runner = session.runner
            if runner.status == "running":
                emit(f"at {pid} {time.monotonic():.4f} {runner.view().block - 1} {runner._position():.3f}")

        session.refresh_view = refresh_view  # type: ignore[method-assign]
        runner = session.runner
        emit(f"at {pid} {time.monotonic():.4f} {runner.view().block - 1} {runner._position():.3f}")
        emit(f"running {pid} {session.session_id}")
        while (
            app.return_code is None
        ):  # until killed, or the app exits (SIGTERM, SIGHUP), or the session ends
            await asyncio.sleep(0.1)  # (Textual waits for the autopilot before it exits: return promptly)
            if isinstance(app.screen, CheckInScreen):
                emit(f"ended {pid}")
                return

    run = BackrollApp.run

    def headless_run(app: BackrollApp, *args: Any, **kwargs: Any) -> Any:
        return run(app, headless=True, auto_pilot=autopilot)

    BackrollApp.run = headless_run  # type: ignore[method-assign]
    tracker.cli.app._isatty = lambda stream: True  # type: ignore[assignment]  # open_app's check
    code = cli.main(["--home", home])
    emit(f"returned {pid} {code}")


worker.TASKS["session"] = task_session

if __name__ == "__main__":
    worker.main()
