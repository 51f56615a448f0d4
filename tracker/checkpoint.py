"""The in-progress checkpoint: a running session written to disk, so a closed terminal, a crash or a kill loses nothing.

While a session runs, its state (the routine and prescription, the start
instant and zone, the settings it runs at, the position in the timeline,
the paused time, the step results and observation answers so far) is
written to `<home>/in-progress/<session id>.json` with the store's atomic
writer (temp file, fsync, `os.replace`, fsync of the folder; 0600 in a
0700 folder). The session screen writes it at every step boundary, on
every pause, resume or answer, at least every `CHECKPOINT_INTERVAL`
seconds, and at once on SIGTERM and SIGHUP.

Ownership. Beside each checkpoint lies `<session id>.lock`; the process
running the session holds an flock on it for as long as the session is
on screen. A process that finds a checkpoint whose lock it can take knows
that nobody is running that session any more (the kernel drops an flock
when its holder dies, however it died): it may offer it, save it or
delete it. A checkpoint whose lock is busy belongs to another window and
is left alone: neither resumed nor deleted.

A checkpoint never overwrites a saved session (saving it is "add unless
that id is saved", and the id is the session's own, given at the start),
and it is removed only after what replaces it is durably saved. A file
that cannot be read is moved aside (renamed `*.damaged-<time>`, never
deleted) and reported; it never stops the app from starting.

No Textual here (core module).
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tracker.model import HurtAt, Prescription, Settings, StepResult
from tracker.paths import PRIVATE_FILE, ensure_private_dir

FORMAT = "backroll.checkpoint"
VERSION = 1
CHECKPOINT_INTERVAL = 5.0  # seconds between writes while nothing else calls for one (the promise is 10 s)
OFFER_FOR = timedelta(hours=12)  # a newer checkpoint is offered; an older one is saved as ended early
MAX_BYTES = 4 << 20  # a checkpoint is a few KB; anything this big is not one of ours


class CheckpointDamaged(ValueError):
    """A checkpoint file that cannot be read as one."""


@dataclass(frozen=True)
class Checkpoint:
    """One running session, as much as is needed to resume it or to save it as it stood."""

    session_id: str
    routine: str  # routine id (the program id for the bridge program)
    name: str  # the routine's name, for the offer
    prescription: Prescription | None
    started_at: datetime  # aware, in the zone below
    zone: str
    settings: Settings  # the tempo, breath and tighter sides it ran at (resume keeps them)
    status: str  # the runner's status when written: running, paused, observing, finished, stopped, hurt
    position: float  # seconds into the timeline when written
    block: int  # 0-based block (one side of one step occurrence) at that position
    blocks: int
    where: str  # "step 2 of 3 · Back roll · rep 3 of 8", for people
    elapsed: float  # active seconds, pauses excluded
    paused: float
    planned: float
    completed: bool
    hurt_at: HurtAt | None
    steps: tuple[StepResult, ...]
    answers: Mapping[str, str]
    written_at: datetime  # aware UTC wall-clock time of the write
    pid: int = field(default_factory=os.getpid)
    pain_before: int | None = (
        None  # asked before the first count (0-10, None: skipped); a resume does not ask again
    )

    @property
    def finished(self) -> bool:
        return self.status == "finished"

    def age(self, now: datetime) -> timedelta:
        return now - self.written_at

    def to_dict(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "session_id": self.session_id,
            "routine": self.routine,
            "name": self.name,
            "prescription": self.prescription.to_dict() if self.prescription else None,
            "started_at": self.started_at.isoformat(),
            "zone": self.zone,
            "settings": self.settings.to_dict(),
            "status": self.status,
            "position": round(self.position, 3),
            "block": self.block,
            "blocks": self.blocks,
            "where": self.where,
            "elapsed": round(self.elapsed, 3),
            "paused": round(self.paused, 3),
            "planned": round(self.planned, 3),
            "completed": self.completed,
            "hurt_at": self.hurt_at.to_dict() if self.hurt_at else None,
            "steps": [s.to_dict() for s in self.steps],
            "answers": dict(self.answers),
            "written_at": self.written_at.isoformat(),
            "pid": self.pid,
            "pain_before": self.pain_before,
        }

    @classmethod
    def from_dict(cls, data: object) -> Checkpoint:
        """Read one back; CheckpointDamaged says why it is not a checkpoint."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise CheckpointDamaged("it is not a Backroll checkpoint")
        if data.get("version") != VERSION:
            raise CheckpointDamaged(
                f"it has version {data.get('version')!r}; this Backroll reads version {VERSION}"
            )
        try:
            started = datetime.fromisoformat(data["started_at"])
            written = datetime.fromisoformat(data["written_at"])
            if started.tzinfo is None or written.tzinfo is None:
                raise ValueError("a time without its UTC offset")
            prescription = data.get("prescription")
            hurt_at = data.get("hurt_at")
            answers = data.get("answers") or {}
            if not isinstance(answers, dict):
                raise ValueError("answers is not an object")
            pain_before = data.get("pain_before")  # absent in files from before it was asked at the start
            if pain_before is not None and (type(pain_before) is not int or not 0 <= pain_before <= 10):
                raise ValueError(f"pain_before {pain_before!r} is not a whole number from 0 to 10")
            checkpoint = cls(
                session_id=str(data["session_id"]),
                routine=str(data["routine"]),
                name=str(data.get("name") or data["routine"]),
                prescription=Prescription.from_dict(prescription) if prescription else None,
                started_at=started,
                zone=str(data["zone"]),
                settings=Settings.from_dict(data.get("settings") or {}),
                status=str(data["status"]),
                position=float(data["position"]),
                block=int(data["block"]),
                blocks=int(data["blocks"]),
                where=str(data.get("where", "")),
                elapsed=float(data["elapsed"]),
                paused=float(data.get("paused", 0.0)),
                planned=float(data.get("planned", 0.0)),
                completed=bool(data.get("completed", False)),
                hurt_at=HurtAt.from_dict(hurt_at) if hurt_at else None,
                steps=tuple(StepResult.from_dict(s) for s in data.get("steps", ())),
                answers={str(k): str(v) for k, v in answers.items()},
                written_at=written,
                pid=int(data.get("pid", 0)),
                pain_before=pain_before,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CheckpointDamaged(f"a field is missing or wrong ({type(exc).__name__}: {exc})") from None
        if (
            not checkpoint.session_id
            or checkpoint.elapsed < 0
            or checkpoint.position < 0
            or checkpoint.block < 0
        ):
            raise CheckpointDamaged("its id, position or time is not possible")
        return checkpoint


def dumps(checkpoint: Checkpoint) -> bytes:
    return json.dumps(checkpoint.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class CheckpointFile:
    """One session's checkpoint and its owner lock, under `<home>/in-progress/`."""

    def __init__(self, folder: Path, session_id: str) -> None:
        self.folder = folder
        self.session_id = session_id
        self.path = folder / f"{session_id}.json"
        self.lock_path = folder / f"{session_id}.lock"
        self._fd: int | None = None
        self._mutex = threading.Lock()  # the writer thread and a signal-time write take turns
        self._written = -1  # sequence number of the newest state on disk

    @property
    def owned(self) -> bool:
        return self._fd is not None

    def claim(self) -> bool:
        """Take the owner lock without waiting; False when another process runs this session."""
        if self._fd is not None:
            return True
        ensure_private_dir(self.folder)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, PRIVATE_FILE)
        try:
            os.fchmod(fd, PRIVATE_FILE)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        if not self.lock_path.exists():  # removed by its last owner between our open and our lock: start over
            os.close(fd)
            return self.claim()
        self._fd = fd
        return True

    def release(self) -> None:
        """Let go of the lock (the checkpoint stays for a later launch)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def read(self) -> Checkpoint:
        """The checkpoint on disk: FileNotFoundError when there is none, CheckpointDamaged when unreadable."""
        with open(self.path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise CheckpointDamaged(f"it is larger than {MAX_BYTES} bytes")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CheckpointDamaged(f"it is not valid JSON ({exc})") from None
        checkpoint = Checkpoint.from_dict(data)
        if checkpoint.session_id != self.session_id:
            raise CheckpointDamaged("the session id inside does not match the file name")
        return checkpoint

    def write(self, checkpoint: Checkpoint, sequence: int | None = None) -> bool:
        """Write atomically (StoreWriteError on failure); False when not the owner or older than what is on disk."""
        from tracker.store.storage import atomic_write

        with self._mutex:
            if self._fd is None:  # only the owner writes; after remove() nothing brings it back
                return False
            if sequence is not None and sequence <= self._written:
                return False
            atomic_write(self.path, dumps(checkpoint))
            if sequence is not None:
                self._written = sequence
            return True

    def remove(self) -> None:
        """Delete the checkpoint and its lock (call once what replaces it is durably saved), then let go."""
        from tracker.files import fsync_dir

        with self._mutex:
            self._written = 1 << 62  # a write still queued must not bring it back
            for path in (self.path, self.lock_path):
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass
            for tmp in self.folder.glob(f".{self.path.name}.*.tmp"):  # left by a writer killed mid-write
                try:
                    tmp.unlink()
                except FileNotFoundError:
                    pass
            try:
                fsync_dir(self.folder)
            except OSError:
                pass
        self.release()

    def set_aside(self, now: datetime) -> Path:
        """Rename a damaged checkpoint out of the way (kept, never deleted); returns its new path."""
        target = self.path.with_name(f"{self.path.name}.damaged-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}")
        os.replace(self.path, target)
        return target


@dataclass(frozen=True)
class Found:
    """What a scan of `<home>/in-progress/` found, for the app and `backroll status`."""

    usable: tuple[tuple[CheckpointFile, Checkpoint], ...] = ()  # claimed by this process
    busy: int = 0  # sessions running in another window
    damaged: tuple[tuple[Path, str], ...] = ()  # (where it was moved, why)


class CheckpointWriter:
    """Writes the newest submitted checkpoint on a thread of its own, off the session's timer.

    `submit` only swaps a reference and sets an event; the JSON, the fsync
    and the rename happen on the thread. `flush` writes at once in the
    caller's thread (on SIGTERM/SIGHUP, just before exiting). A failed write
    is kept in `error` and passed to `on_error`; the next one tries again.
    """

    def __init__(self, file: CheckpointFile, on_error: Callable[[Exception], None] | None = None) -> None:
        self.file = file
        self.on_error = on_error
        self.error: Exception | None = None
        self.writes = 0
        self._pending: tuple[int, Checkpoint] | None = None
        self._sequence = 0
        self._wake = threading.Event()
        self._stopped = False
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(
            target=self._run, name=f"checkpoint-{file.session_id[:8]}", daemon=True
        )
        self._thread.start()

    def submit(self, checkpoint: Checkpoint) -> None:
        self._sequence += 1
        self._idle.clear()
        self._pending = (self._sequence, checkpoint)
        self._wake.set()

    def flush(self, checkpoint: Checkpoint | None = None) -> bool:
        """Write now, in this thread: `checkpoint`, else whatever is waiting. True when the file is current."""
        if checkpoint is not None:
            self._sequence += 1
            self._pending = (self._sequence, checkpoint)
        pending, self._pending = self._pending, None
        if pending is None:
            return self.error is None
        return self._write(*pending)

    def wait(self, timeout: float = 10.0) -> bool:
        """Until every submitted checkpoint is on disk (tests, and before removing it)."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        self._stopped = True
        self._wake.set()
        self._thread.join(5.0)

    def _write(self, sequence: int, checkpoint: Checkpoint) -> bool:
        if not self.file.owned:
            return False
        try:
            self.file.write(checkpoint, sequence)
        except Exception as error:  # StoreWriteError (disk full, read-only...): keep going, say so once
            first = self.error is None
            self.error = error
            if first and self.on_error is not None:
                self.on_error(error)
            return False
        self.error = None
        self.writes += 1
        return True

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            pending, self._pending = self._pending, None
            if pending is not None:
                self._write(*pending)
            if self._pending is None:
                self._idle.set()
            if self._stopped:
                return


class Checkpoints:
    """The in-progress folder of one data home: start a checkpoint, find the ones nobody runs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def begin(self, session_id: str) -> CheckpointFile:
        """The checkpoint of a session starting now, claimed by this process."""
        file = CheckpointFile(self.folder, session_id)
        if not file.claim():
            raise RuntimeError(f"session {session_id} is already running in another process")
        return file

    def file(self, session_id: str) -> CheckpointFile:
        return CheckpointFile(self.folder, session_id)

    def scan(self, now: datetime, *, keep_claims: bool = True) -> Found:
        """Claim and read every checkpoint nobody runs; move damaged ones aside. Never raises for a bad file.

        `keep_claims=False` (for `backroll status`) only looks: every claim is let go at once.
        """
        if not self.folder.is_dir():
            return Found()
        usable: list[tuple[CheckpointFile, Checkpoint]] = []
        damaged: list[tuple[Path, str]] = []
        busy = 0
        for path in sorted(self.folder.glob("*.json")):
            if path.name.startswith("."):
                continue
            file = CheckpointFile(self.folder, path.stem)
            try:
                if not file.claim():
                    busy += 1
                    continue
            except OSError:
                busy += 1  # cannot even open its lock: leave it alone
                continue
            try:
                checkpoint = file.read()
            except FileNotFoundError:  # its owner finished between the listing and our claim
                file.remove()
                continue
            except (CheckpointDamaged, OSError) as exc:
                try:
                    moved = file.set_aside(now) if keep_claims else path
                except OSError:
                    moved = path
                damaged.append((moved, str(exc)))
                if keep_claims:
                    try:
                        file.lock_path.unlink()
                    except OSError:
                        pass
                file.release()
                continue
            usable.append((file, checkpoint))
            if not keep_claims:
                file.release()
        return Found(tuple(usable), busy, tuple(damaged))


def hint(found: Found, now: datetime) -> str:
    """One line for `backroll status` about sessions left in progress ("" when there are none)."""
    parts = []
    if found.usable:
        newest = max((c for _, c in found.usable), key=lambda c: c.written_at)
        when = newest.started_at.strftime("%Y-%m-%d %H:%M")
        if newest.age(now) < OFFER_FOR and newest.hurt_at is None:
            parts.append(
                f"a session ({newest.name}, started {when}) was cut off; open backroll to resume or save it"
            )
        else:
            parts.append(
                f"a session ({newest.name}, started {when}) was cut off; backroll saves it as ended early when it next opens"
            )
        if len(found.usable) > 1:
            parts[-1] += f" (and {len(found.usable) - 1} more)"
    if found.busy:
        parts.append(f"{found.busy} session(s) running in another window")
    if found.damaged:
        path, why = found.damaged[0]
        parts.append(f"the checkpoint {path} is damaged ({why}); backroll keeps it aside when it next opens")
    return "; ".join(parts)
