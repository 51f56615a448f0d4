"""Keeps a running session's checkpoint on disk, without touching the count.

The session screen calls `after_redraw` after each redraw; a checkpoint is
captured once the frame is painted (`call_after_refresh`) when the block or
the runner's status changed, or `CHECKPOINT_INTERVAL` seconds went by, and
handed to the core's CheckpointWriter thread, which does the JSON, the
fsync and the rename. An interval timer covers a paused screen and a
question waiting for its answer. `now()` writes at once, in this thread
(SIGTERM, SIGHUP). `record_hurt()` saves the session stopped because it
hurt, straight away, in a worker; `finish()` removes the checkpoint once the
check-in has saved the session (or exported it, or the person left it on
purpose).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from rich.markup import escape

from tracker.model import CheckIn
from tracker.service import CHECKPOINT_INTERVAL

if TYPE_CHECKING:
    from datetime import datetime

    from textual.app import App
    from textual.timer import Timer

    from tracker.model import Prescription, Routine, Session
    from tracker.service import Backroll, Checkpoint, CheckpointFile, Runner, RunnerView


class KeptSession(Protocol):
    """What the keeper reads of the session screen (tracker.ui.screens.session.SessionScreen), so that the
    screen imports the keeper and the keeper never imports the screen."""

    service: Backroll
    runner: Runner
    routine: Routine
    session_id: str
    started_at: datetime
    zone: str | None
    prescription: Prescription | None
    pain_before: int | None
    clock: Callable[[], float]

    @property
    def app(self) -> App[object]: ...

    def set_interval(
        self, interval: float, callback: Callable[[], object] | None = None, *, name: str | None = None
    ) -> Timer: ...

    def call_after_refresh(self, callback: Callable[[], object]) -> bool: ...


class CheckpointWriting(Protocol):
    """The service's checkpoint writer thread, as the keeper drives it."""

    def submit(self, checkpoint: Checkpoint) -> None: ...

    def flush(self, checkpoint: Checkpoint | None = None) -> bool: ...

    def wait(self, timeout: float = 10.0) -> bool: ...

    def close(self) -> None: ...


class CheckpointKeeper:
    """The checkpoint of one SessionScreen (does nothing when the session has none)."""

    def __init__(self, screen: KeptSession, file: CheckpointFile | None) -> None:
        self.screen = screen
        self.file = file
        self.writer: CheckpointWriting | None = None
        self.closed = file is None
        self._last_key: tuple[int, str] | None = None
        self._last_at = float("-inf")
        self._queued = False
        self.hurt_saved: Session | None = None  # the session `h` saved, once it is on disk
        self.hurt_error: Exception | None = None

    @property
    def service(self) -> Backroll:
        return self.screen.service

    def start(self) -> None:
        if self.closed or self.file is None:
            return
        self.writer = self.service.in_progress.writer(self.file, on_error=self._failed)
        self.screen.set_interval(CHECKPOINT_INTERVAL, self._tick, name="session-checkpoint")

    def capture(self) -> Checkpoint:
        screen = self.screen
        return self.service.in_progress.capture(
            screen.runner,
            session_id=screen.session_id,
            routine=screen.routine,
            started_at=screen.started_at,
            zone=screen.zone,
            prescription=screen.prescription,
            pain_before=screen.pain_before,
        )

    # When to write -----------------------------------------------------------

    def after_redraw(self, view: RunnerView) -> None:
        if self.closed or self._queued:
            return
        if (
            view.block,
            view.status,
        ) != self._last_key or self.screen.clock() - self._last_at >= CHECKPOINT_INTERVAL:
            self._queued = True
            self.screen.call_after_refresh(self.write)  # after the frame with the new count is painted

    def _tick(self) -> None:
        # Not held back by a capture still queued: this is the floor under "at least every few seconds".
        if not self.closed and self.screen.clock() - self._last_at >= CHECKPOINT_INTERVAL - 0.5:
            self.write()

    def write(self) -> None:
        """Capture now and hand it to the writer thread."""
        self._queued = False
        if self.closed or self.writer is None:
            return
        checkpoint = self.capture()
        self._last_key = (checkpoint.block + 1, checkpoint.status)
        self._last_at = self.screen.clock()
        self.writer.submit(checkpoint)

    def now(self) -> bool:
        """Write at once, in this thread (the app is about to exit on SIGTERM/SIGHUP). True when it is on disk."""
        if self.closed or self.writer is None:
            return self.closed
        return bool(self.writer.flush(self.capture()))

    def _failed(self, error: Exception) -> None:
        app = self.screen.app
        message = f"The session's checkpoint could not be written: {escape(str(error))}\nThe session goes on; it is saved at the end as usual."
        if threading.get_ident() == getattr(app, "_thread_id", None):
            app.notify(message, severity="warning", timeout=10)
        else:
            app.call_from_thread(app.notify, message, severity="warning", timeout=10)

    # Hurt and the end ----------------------------------------------------------

    def record_hurt(self) -> Session:
        """Save the hurt session now, as it stands (with where it hurt), in a worker; keep the checkpoint until it is on disk."""
        screen = self.screen
        if not self.closed:
            self.write()
        session = self.service.make_session(
            screen.routine, screen.runner.results(), CheckIn(pain_before=screen.pain_before), screen.started_at,
            session_id=screen.session_id, prescription=screen.prescription, zone=screen.zone,
        )  # fmt: skip
        screen.app.run_worker(
            lambda: self._save_hurt(session), thread=True, group="hurt-save", exit_on_error=False
        )
        return session

    def _save_hurt(self, session: Session) -> None:
        app = self.screen.app
        if self.writer is not None:
            self.writer.wait()
        try:
            self.service.in_progress.record(session)
        except (
            Exception
        ) as error:  # locked, full or read-only: the checkpoint keeps it; the check-in retries or exports
            self.hurt_error = error
            app.call_from_thread(
                app.notify,
                f"Not saved yet: {escape(str(error))}\nIt is kept on this computer; the check-in lets you retry or export it.",
                title="Stopped because it hurt",
                severity="error",
                timeout=15,
            )
            return
        self.hurt_saved = session
        self._close(remove=True)

    def finish(self) -> None:
        """The check-in is over (saved, exported, or left on purpose): remove the checkpoint, off the event loop."""
        if self.closed:
            return
        self.closed = True
        self.screen.app.run_worker(
            lambda: self._close(remove=True), thread=True, group="checkpoint-end", exit_on_error=False
        )

    def release(self) -> None:
        """The app is closing mid-session: stop writing and let go of the lock; the checkpoint stays on disk."""
        if not self.closed:
            self._close(remove=False)
        if self.file is not None:
            self.file.release()

    def _close(self, *, remove: bool) -> None:
        self.closed = True
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.close()
        if remove and self.file is not None:
            try:
                self.file.remove()
            except OSError:
                pass  # a left-over checkpoint of a saved session is never saved twice (same id)
