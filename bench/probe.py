"""What the benchmarked app processes do once they are up, shared by ours and the baseline.

`watch(app, argv)` is called on the app before `app.run(headless=True, ...)`
and returns the autopilot to run it with:

`--exit-after-first-frame`: exit right after the first full refresh, i.e.
the first frame the app hands to its driver (`App._display` with a
renderable, outside a batch). Headless, the driver drops the bytes, but the
frame is composed exactly as it would be for a terminal. The process prints
`{"first_frame": <time.monotonic()>, ...}`: CLOCK_MONOTONIC is the same
clock in every process on Linux, so the parent subtracts the moment it
spawned the process and gets spawn-to-first-frame, without the time it
takes the process to shut down.

`--idle SECONDS`: after the first frame, and once the app shows its data
(the first frame handed to the driver after an `app.ready` attribute, when
it has one, turned true: the app sets it once the data is on its widgets),
stay idle on that first screen, then print when that frame was (`loaded`,
with the process CPU by then, `cpu_to_loaded`), the process CPU and wall
seconds of the idle stretch and the peak RSS, and exit.

Reports go to fd 1 as one JSON line (Textual redirects sys.stdout while it runs).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import time
from collections.abc import Callable
from typing import Any


def report(data: dict[str, Any]) -> None:
    os.write(1, (json.dumps(data) + "\n").encode())


def _maxrss_kb() -> int:
    """Peak RSS of this process image: VmHWM. (ru_maxrss keeps the high-water mark of the parent the
    benchmark forked from, across exec: a big parent makes every child look as big.)"""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def watch(app: Any, argv: list[str]) -> Callable[[Any], Any]:
    """Hook the first frame of `app`; return the autopilot for `argv`."""
    first_frame = asyncio.Event()
    loaded = (
        asyncio.Event()
    )  # the first frame with the data on it (no polling: it would take CPU and add a step)
    state: dict[str, Any] = {}
    original_display = app._display

    def display(screen: Any, renderable: Any) -> None:
        original_display(screen, renderable)
        if renderable is None or app._batch_count:
            return
        if "first_frame" not in state:
            state["first_frame"] = time.monotonic()
            state["cpu"] = time.process_time()
            state["screen"] = type(screen).__name__
            first_frame.set()
        if "loaded" not in state and getattr(app, "ready", True):
            state["loaded"] = time.monotonic()
            state["cpu_loaded"] = time.process_time()
            loaded.set()

    app._display = display

    idle = float(argv[argv.index("--idle") + 1]) if "--idle" in argv else 0.0

    async def autopilot(pilot: Any) -> None:
        await first_frame.wait()
        if not idle:
            report(
                {
                    "first_frame": state["first_frame"],
                    "screen": state["screen"],
                    "cpu_to_first_frame": state["cpu"],
                    "maxrss_kb": _maxrss_kb(),
                }
            )
            pilot.app.exit()
            return
        await loaded.wait()  # e.g. Today still loading the history
        await pilot.pause()
        cpu0 = time.process_time()
        wall0 = time.monotonic()
        await asyncio.sleep(idle)
        report(
            {
                "first_frame": state["first_frame"],
                "loaded": state["loaded"],
                "cpu_to_loaded": state["cpu_loaded"],
                "cpu": time.process_time() - cpu0,
                "wall": time.monotonic() - wall0,
                "maxrss_kb": _maxrss_kb(),
            }
        )
        pilot.app.exit()

    return autopilot
