"""One writer at a time: an OS lock (flock) on <home>/backroll.lock.

The lock is held only for the length of one write transaction, so the app
can stay open while `backroll log` runs in another terminal. While it holds
the lock a process writes its PID and a short description into the file, so
a process that has to give up can say who is in the way. The kernel
releases a flock when its holder dies, so a lock left by a killed process
is simply taken over by the next writer.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path

from tracker.paths import PRIVATE_FILE
from tracker.store.errors import StoreLocked, StoreWriteError
from tracker.store.storage import describe_os_error


def default_label() -> str:
    """A short description of this process for the lock file: "backroll log", "backroll"."""
    argv = sys.argv or ["python"]
    name = Path(argv[0]).stem or "python"
    if name == "__main__":
        name = "backroll"
    words = [a for a in argv[1:] if not a.startswith("-")][:1]
    return " ".join([name, *words])[:80]


def read_holder(path: Path) -> tuple[int | None, str]:
    """The PID and description the current (or last) holder wrote into the lock file."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None, ""
    pid_text, _, label = text.partition(" ")
    try:
        return int(pid_text), label.strip()
    except ValueError:
        return None, ""


class WriterLock:
    """An exclusive flock on `path`, taken for one write transaction at a time."""

    def __init__(self, path: Path, *, label: str | None = None) -> None:
        self.path = path
        self.label = (label or default_label()).replace("\n", " ")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait: float) -> None:
        """Take the lock, waiting up to `wait` seconds; StoreLocked names the holder otherwise."""
        if self._fd is not None:
            raise RuntimeError("the writer lock is already held by this Store")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, PRIVATE_FILE)
        except OSError as exc:
            raise StoreWriteError(describe_os_error(exc, self.path), path=self.path, errno=exc.errno) from exc
        deadline = time.monotonic() + max(0.0, wait)
        delay = 0.002
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise self._locked_error(wait) from None
                    time.sleep(min(delay, left))
                    delay = min(delay * 2, 0.05)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        try:  # best effort: a full disk must not stop us from taking the lock
            os.fchmod(fd, PRIVATE_FILE)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {self.label}\n".encode("utf-8"), 0)
        except OSError:
            pass

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _locked_error(self, wait: float) -> StoreLocked:
        pid, holder = read_holder(self.path)
        if pid is None:
            # the holder may have taken the lock an instant ago and not written its PID yet
            time.sleep(0.01)
            pid, holder = read_holder(self.path)
        who = f"process {pid}" if pid is not None else "another process"
        if holder:
            who += f" ({holder})"
        message = (
            f"The history is in use by {who}; waited {wait:g} s for it to finish writing, "
            f"try again in a moment (lock file: {self.path})."
        )
        return StoreLocked(message, pid=pid, path=self.path, holder=holder)

    def __enter__(self) -> WriterLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
