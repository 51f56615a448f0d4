"""A server the tests start in a process group of its own: a free loopback port for it, the wait until it
listens, and the stopping of the whole group (the server and every process it started), whatever its state.

Importable as `tests.processes` (pytest's `pythonpath = ["."]`; tests/reliability/report.py puts the
repository on its path too).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time


def free_port() -> int:
    """A loopback port nothing listens on now (the system's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_listening(
    process: subprocess.Popen[bytes] | subprocess.Popen[str], port: int, seconds: float
) -> bool:
    """True once something accepts on the loopback `port`; False if `process` ends first or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.1)


def stop_group(process: subprocess.Popen[bytes] | subprocess.Popen[str], wait: float) -> None:
    """SIGTERM to the process group `process` leads (started with `start_new_session=True`), SIGKILL if
    `process` has not ended `wait` seconds later; then SIGKILL to what is left of the group (the processes
    it started). Quiet when the group is already gone."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:  # the processes it started, in the same group
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
