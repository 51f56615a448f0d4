"""tracker.store with real processes: lock contention, stale locks, two writers at once.

Workers are tests/reliability/store_worker.py run as subprocesses. Nothing of
ours is mocked: real files, real flock, real SIGKILL. The kill -9 loop itself
lives in scenarios.kill_writers (run by test_product.py and report.py).
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from tracker.store import Store, StoreLocked

from .store_worker import make_session

WORKER = Path(__file__).with_name("store_worker.py")
REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock and SIGKILL are POSIX")


def worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
        cwd=REPO,
    )


class Lines:
    """A worker's stdout read by a thread, so that every wait has a real timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.queue.put(line.rstrip("\n"))
        self.queue.put(None)

    def next(self, timeout: float = 30.0) -> str:
        try:
            line = self.queue.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"the worker said nothing for {timeout} s")
        if line is None:
            self.proc.wait(5)
            pytest.fail(f"the worker exited ({self.proc.returncode}): {self.proc.stderr.read()}")
        return line

    def expect(self, word: str, timeout: float = 30.0) -> str:
        """The next line, which must start with `word` (an "error" line fails the test at once)."""
        line = self.next(timeout)
        if not line.startswith(word):
            pytest.fail(f"expected {word!r} from the worker, got {line!r}")
        return line

    def rest(self, timeout: float = 120.0) -> list[str]:
        """Every remaining line, up to the worker's exit."""
        lines = []
        deadline = time.monotonic() + timeout
        while (line := self.queue.get(timeout=max(0.1, deadline - time.monotonic()))) is not None:
            lines.append(line)
        return lines


def expect(proc: subprocess.Popen[str], word: str, timeout: float = 30.0) -> str:
    if not hasattr(proc, "lines"):
        proc.lines = Lines(proc)  # type: ignore[attr-defined]
    return proc.lines.expect(word, timeout)  # type: ignore[attr-defined]


@contextmanager
def running(*args: str) -> Iterator[subprocess.Popen[str]]:
    proc = worker(*args)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream:
                stream.close()


def test_a_second_writer_waits_then_gets_store_locked_naming_the_holder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = Store.open(home, wait=0.5)
    first = make_session(0)
    store.add(first)
    before = {p.name: p.read_bytes() for p in (home / "data").iterdir()}
    with running("hold", str(home), "30", "--label", "backroll log") as holder:
        expect(holder, "locked")
        started = time.monotonic()
        with pytest.raises(StoreLocked) as caught:
            store.add(make_session(1))
        waited = time.monotonic() - started
        assert 0.45 <= waited < 5
        assert caught.value.pid == holder.pid
        assert f"The history is in use by process {holder.pid} (backroll log)" in str(caught.value)
        with pytest.raises(StoreLocked):
            Store.open(home, wait=0.2)  # opening needs the lock briefly too
    assert {p.name: p.read_bytes() for p in (home / "data").iterdir()} == before
    assert store.sessions() == [first]


def test_a_second_writer_succeeds_once_the_holder_finishes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = Store.open(home, wait=20)
    with running("hold", str(home), "0.8") as holder:
        expect(holder, "locked")
        started = time.monotonic()
        session = make_session(1)
        store.add(session)  # waits for the holder's transaction to end
        assert time.monotonic() - started >= 0.3
        expect(holder, "released")
    assert Store.open(home).get(session.id) == session


def test_a_lock_left_by_a_killed_holder_is_taken_over(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Store.open(home).close()
    with running("hold", str(home), "3600", "--label", "backroll log") as holder:
        expect(holder, "locked")
        assert (home / "backroll.lock").read_text().startswith(f"{holder.pid} backroll log")
        with pytest.raises(StoreLocked):
            Store.open(home, wait=0.1)
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    started = time.monotonic()
    store = Store.open(home, wait=5, label="backroll")
    session = make_session(2)
    store.add(session)
    assert time.monotonic() - started < 2  # the kernel released the flock at the holder's death
    assert (home / "backroll.lock").read_text().startswith(f"{os.getpid()} backroll")
    assert Store.open(home).get(session.id) == session


def test_the_app_stays_open_while_two_clis_write_and_nothing_is_lost(tmp_path: Path) -> None:
    home = tmp_path / "home"
    app = Store.open(home, wait=30, label="backroll")
    count = 60
    with (
        running("add", str(home), "--prefix", "cli-a", "--count", str(count)) as a,
        running("add", str(home), "--prefix", "cli-b", "--start", "5", "--count", str(count)) as b,
    ):
        expect(a, "ready")
        expect(b, "ready")
        mine = []
        for i in range(count):  # the app saves into the same months the CLIs write
            session = make_session(i, prefix="app", day=date(2020, 1, 1 + i % 28))
            app.add(session)
            mine.append(session.id)
        out_a, out_b = a.lines.rest(), b.lines.rest()
        assert a.wait(60) == 0 and b.wait(60) == 0
    acked = set(mine) | set(out_a) | set(out_b)
    assert len(acked) == 3 * count
    app.refresh()  # True unless the app happened to write last (it catches up before each of its writes)
    assert {s.id for s in app.sessions()} == acked
    assert {s.id for s in Store.open(home).sessions()} == acked
