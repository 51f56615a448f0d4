"""One writer at a time: an OS lock (flock) on <home>/backroll.lock.

The lock is held only for the length of one write transaction, so the app
can stay open while `backroll log` runs in another terminal. While it holds
the lock a process writes its PID and a short description into the file, so
a process that has to give up can say who is in the way. The kernel
releases a flock when its holder dies, so a lock left by a killed process
is simply taken over by the next writer.

The file also carries a write generation, "<epoch>:<n>", bumped by every
writer as soon as it holds the lock (before it touches any file). A store
that finds the generation it left behind knows nobody wrote in between and
skips checking the files; any other value (a writer, even one killed half
way, or a lock file recreated with a new random epoch) makes it re-check.
The record is rewritten in place, padded to a fixed size: no truncate, no
fsync (it only has to outlive processes, not a power cut, which they don't).
"""

from __future__ import annotations

import fcntl
import os
import secrets
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


RECORD_SIZE = 256
Generation = tuple[str, int]


def _parse(raw: bytes) -> tuple[int | None, str, Generation | None]:
    lines = raw.decode("utf-8", errors="replace").splitlines()
    pid_text, _, label = (lines[0] if lines else "").strip().partition(" ")
    try:
        pid: int | None = int(pid_text)
    except ValueError:
        pid, label = None, ""
    generation = None
    if len(lines) > 1 and lines[1].startswith("generation "):
        epoch, _, number = lines[1][len("generation ") :].strip().partition(":")
        if epoch and number.isdigit():
            generation = (epoch, int(number))
    return pid, label.strip(), generation


def read_holder(path: Path) -> tuple[int | None, str]:
    """The PID and description the current (or last) holder wrote into the lock file."""
    try:
        raw = path.read_bytes()[: RECORD_SIZE * 2]
    except OSError:
        return None, ""
    pid, label, _ = _parse(raw)
    return pid, label


class WriterLock:
    """An exclusive flock on `path`, taken for one write transaction at a time."""

    def __init__(self, path: Path, *, label: str | None = None) -> None:
        self.path = path
        self.label = (label or default_label()).replace("\n", " ")
        self._fd: int | None = None
        self.found: Generation | None = None  # the generation found when the lock was taken
        self.generation: Generation | None = None  # the one this holder wrote

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
        try:
            os.fchmod(fd, PRIVATE_FILE)
        except OSError:
            pass
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
        try:
            _, _, found = _parse(os.pread(fd, RECORD_SIZE * 2, 0))
            generation = (found[0], found[1] + 1) if found else (secrets.token_hex(8), 1)
            record = f"{os.getpid()} {self.label}\ngeneration {generation[0]}:{generation[1]}\n".encode()
            os.pwrite(fd, record[: RECORD_SIZE - 1].ljust(RECORD_SIZE - 1) + b"\n", 0)
        except OSError as exc:
            # without the bump other processes could miss what we write: do not write at all
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise StoreWriteError(describe_os_error(exc, self.path), path=self.path, errno=exc.errno) from exc
        self._fd = fd
        self.found, self.generation = found, generation

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
