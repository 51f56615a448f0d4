"""At launch: tell what was saved on its own, and offer each session cut off (resume, save, discard).

The checks and the saving are the core's (`service.in_progress`, see
tracker/resume.py); this module only asks the person and shows the answer.
The app offers one session at a time (its `offer_next`); every choice ends
with `offer_done()`, or with a session screen whose end offers the next one.
Each function takes the running app (Textual's side) and reaches Backroll's
side through `tracker.ui.protocol.backroll_of`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from .protocol import ReturnT, backroll_of

if TYPE_CHECKING:
    from textual.app import App

    from tracker.model import Session
    from tracker.service import Checkpoint, CheckpointFile, Settled


def _day(checkpoint_or_session: Checkpoint | Session) -> str:
    return checkpoint_or_session.started_at.strftime("%a %d %b, %H:%M")


def tell_settled(app: App[ReturnT], settled: Settled) -> None:
    """Say what the launch check did without asking: saved too-old or hurt sessions, damaged files kept aside."""
    for session in settled.saved:
        if session.hurt:
            text = f"A session stopped because it hurt ({_day(session)}) is saved, with where it hurt."
        else:
            text = f"A session cut off more than 12 hours ago ({escape(session.routine)}, {_day(session)}) is saved as ended early."
        app.notify(text, title="Saved", timeout=15)
    for path, why in settled.damaged:
        app.notify(
            f"A damaged in-progress file was kept aside as {escape(str(path))} ({escape(why)}).",
            title="Checkpoint damaged",
            severity="warning",
            timeout=20,
        )
    for checkpoint, error in settled.failed:
        app.notify(
            f"A session cut off ({_day(checkpoint)}) could not be saved yet: {escape(str(error))}\nIt is kept and tried again next time.",
            severity="error",
            timeout=20,
        )


def offer(app: App[ReturnT], file: CheckpointFile, checkpoint: Checkpoint, *, resumable: bool = True) -> None:
    from .dialogs.resume import ResumeScreen

    def chosen(choice: str | None) -> None:
        if choice == "resume":
            _resume(app, file, checkpoint)
        elif choice == "save":
            _check_in(app, file, checkpoint)
        elif choice == "discard":
            _discard(app, file, checkpoint, resumable)
        else:  # later: nothing lost, offered again at the next launch
            file.release()
            app.notify("Kept for later: it is offered again the next time Backroll opens.", timeout=8)
            backroll_of(app).offer_done()

    app.push_screen(ResumeScreen(checkpoint, resumable=resumable), callback=chosen)


def _resume(app: App[ReturnT], file: CheckpointFile, checkpoint: Checkpoint) -> None:
    backroll = backroll_of(app)

    def prepare() -> None:
        try:
            routine, runner = backroll.service.in_progress.runner(checkpoint, backroll.clock)
        except KeyError:
            app.call_from_thread(
                app.notify,
                f"The routine {escape(checkpoint.routine)!r} is no longer in your library: save the session or discard it.",
                severity="warning",
            )
            app.call_from_thread(offer, app, file, checkpoint, resumable=False)
            return
        except Exception as error:
            app.call_from_thread(backroll.show_error, error)
            app.call_from_thread(offer, app, file, checkpoint)
            return

        def run() -> None:
            backroll.resume_session(  # the session's end offers the next one
                routine, runner, checkpoint.started_at,
                session_id=checkpoint.session_id, checkpoint=file, zone=checkpoint.zone, prescription=checkpoint.prescription,
                pain_before=checkpoint.pain_before,  # asked when it started: not again
            )  # fmt: skip

        app.call_from_thread(run)

    app.run_worker(prepare, thread=True, group="resume", exit_on_error=False)


def _check_in(app: App[ReturnT], file: CheckpointFile, checkpoint: Checkpoint) -> None:
    from .dialogs.checkin import CheckInScreen, FinishedRun

    backroll = backroll_of(app)
    routine, result = backroll.service.in_progress.as_run(checkpoint)
    run = FinishedRun(
        routine, result, checkpoint.started_at,
        session_id=checkpoint.session_id, prescription=checkpoint.prescription, zone=checkpoint.zone,
        pain_before=checkpoint.pain_before,
    )  # fmt: skip

    def done(saved: Session | None) -> None:
        # Saved, exported to a file, or left on purpose after the question: the checkpoint is done with.
        app.run_worker(file.remove, thread=True, group="checkpoint-end", exit_on_error=False)
        if saved is not None:
            app.notify("Saved as ended early.", title="Saved")
            backroll.refresh_views()
        backroll.offer_done()

    app.push_screen(CheckInScreen(backroll.service, run), callback=done)


def _discard(app: App[ReturnT], file: CheckpointFile, checkpoint: Checkpoint, resumable: bool) -> None:
    from .dialogs.confirm import ConfirmScreen

    def answered(sure: bool | None) -> None:
        if not sure:
            offer(app, file, checkpoint, resumable=resumable)
            return
        app.run_worker(file.remove, thread=True, group="checkpoint-end", exit_on_error=False)
        app.notify("Discarded.", timeout=5)
        backroll_of(app).offer_done()

    app.push_screen(
        ConfirmScreen(
            "Discard this session?",
            f"{escape(checkpoint.name)}, {_day(checkpoint)}: what was done will not count in your history.",
            yes="Discard",
            no="Back",
        ),
        callback=answered,
    )
