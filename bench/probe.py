"""What the benchmarked app processes do once they are up, shared by ours and the baseline.

`--exit-after-first-frame`: exit right after the first full refresh.
`--idle SECONDS`: stay idle on the first screen, then print the process CPU
seconds and peak RSS as one JSON line and exit.
"""

from __future__ import annotations

import json
import os
import resource
import time
from typing import Any, Callable


def autopilot_from_argv(argv: list[str]) -> Callable[[Any], Any]:
    idle = 0.0
    if "--idle" in argv:
        idle = float(argv[argv.index("--idle") + 1])

    async def autopilot(pilot: Any) -> None:
        await pilot.pause()  # the first full refresh has been processed
        if idle:
            await pilot.pause()
            cpu0 = time.process_time()
            wall0 = time.monotonic()
            await pilot.pause(idle)
            report = {
                "cpu": time.process_time() - cpu0,
                "wall": time.monotonic() - wall0,
                "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        else:
            report = {"maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
        # Textual redirects sys.stdout while it runs: write to the real fd.
        os.write(1, (json.dumps(report) + "\n").encode())
        pilot.app.exit()

    return autopilot
