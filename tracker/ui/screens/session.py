"""The session runner: readable from the mat, hands-free, and quick to stop.

It never counts ticks: every refresh redraws from `runner.view()`, which
the runner computes from its deadlines and the clock, so nothing drifts.
The next refresh is a one-shot timer at `runner.next_change()`, plus a
slow safety interval; no 60 fps loop.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.markup import escape
from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Input, Label, ProgressBar, Static

from tracker.service import describe
from tracker.ui.commands import ScreenActions
from tracker.ui.screens.base import AppScreen
from tracker.ui.widgets.footer import AppFooter

from ..checkpoint_keeper import CheckpointKeeper
from ..dialogs.checkin import CheckInScreen, FinishedRun
from ..dialogs.confirm import ConfirmScreen
from ..dialogs.pain_before import CANCEL, PainBeforeScreen
from ..dialogs.safety import HurtNoteScreen
from ..widgets.countdown import PhaseCount, clock_text
from ..widgets.figure import FigureView

if TYPE_CHECKING:
    from tracker.model import Prescription, Routine, Session, Side
    from tracker.service import Backroll, CheckpointFile, Runner, RunnerView

FLASH_SECONDS = 0.35  # long enough to catch the eye from the mat, short enough not to hide the count
SAFETY_INTERVAL = 2.0  # seconds; catches a missed timer (suspend, clock jump) at negligible cost
TIMER_SLACK = 0.002  # fire just after the change so the view has moved on (event-loop timers are ms-accurate)
OVERDUE = 0.25  # the safety interval redraws only when the one-shot timer is this late (it missed)
# One-line labels whose box is as wide as their text: a new text of the same width needs a repaint, not a
# layout pass over the whole screen (which is most of the cost of a redraw, once a second).
SAME_WIDTH_NO_LAYOUT = frozenset({"#session-step", "#session-left"})
FIGURE_BESIDE = 90  # columns from which the figure stands beside the count; narrower, above it


class SessionProgress(ProgressBar):
    """The session's progress bar, without ProgressBar's once-a-second ETA update.

    No ETA is shown here, but the stock widget still recomputes it every second and repaints, which
    costs the session a second frame per second; the bar moves when the screen redraws it anyway.
    """

    def on_mount(self, event: events.Mount) -> None:  # type: ignore[override]  # Textual passes the event to handlers that take it
        event.prevent_default()  # ProgressBar.on_mount would start the 1-second interval
        self.update()


@dataclass
class _Question:
    key: tuple[int, str]
    choices: tuple[str, ...]


def side_text(side: Side | str | None) -> str:
    value = str(getattr(side, "value", side) or "none")
    return "" if value in ("none", "both") else f"{value.capitalize()} side"


UNIT_NAMES = {"count": "counts", "breath": "breaths", "second": "seconds"}


def count_text(view: RunnerView) -> tuple[str, str]:
    """The big number and the line under it: "3" / "of 4 counts", or "45" / "seconds to go"."""
    if view.question or view.phase is None:
        return "", ""
    if view.counts:
        return str(view.count), f"of {view.counts} {UNIT_NAMES.get(str(view.unit), 'counts')}"
    # "1:30 / minutes to go", never a bare "left", which reads like the left side
    return clock_text(view.phase_left or 0.0), "seconds to go" if (
        view.phase_left or 0
    ) < 60 else "minutes to go"


class SessionScreen(AppScreen["Session | None"]):
    """Runs one routine; dismisses with the saved Session, or None."""

    # Priority: space must pause even when a choice button has focus (not answer it);
    # the actions step aside (SkipAction) while the person types a free-text answer.
    TITLE = "Session"
    COMMANDS = {ScreenActions}  # the palette offers these keys as "Session: ..." (tracker.ui.commands)
    BINDINGS = [
        Binding("space", "toggle_pause", "Pause", tooltip="Pause/Resume", id="session.pause", priority=True),
        Binding("n", "skip", "Skip", id="session.skip", priority=True),
        Binding(
            "b", "back", "Back", id="session.back", priority=True, show=False
        ),  # Help lists it: the footer fits 60 columns
        Binding("h", "hurt", "It hurts", id="session.hurt", priority=True),
        Binding("q,escape", "stop", "Stop", id="session.stop"),
        Binding(
            "f", "toggle_figure", "Figure", id="session.figure", show=False
        ),  # Help lists it: the footer fits 60 columns
        Binding("right", "app.focus_next", "Next choice", id="session.next-choice", show=False),
        Binding("left", "app.focus_previous", "Previous choice", id="session.previous-choice", show=False),
    ]

    def __init__(
        self,
        service: Backroll,
        routine: Routine,
        runner: Runner,
        started_at: datetime,
        clock: Callable[[], float],
        *,
        session_id: str | None = None,
        checkpoint: CheckpointFile | None = None,
        zone: str | None = None,
        prescription: Prescription | None = None,
        pain_before: int | None = None,
        ask_pain: bool = False,
    ) -> None:
        super().__init__(id="session")
        self.service = service
        self.routine = routine
        self.runner = runner
        self.started_at = started_at
        self.clock = clock
        # The session's id from its start: the checkpoint, the record `h` saves and the check-in share it.
        self.session_id = session_id or str(uuid.uuid4())
        self.zone = zone  # the zone it started in, when resumed (None: the service's)
        self.prescription = prescription
        # Asked before the first count (a new session); a resumed one keeps what it was given.
        self.pain_before = pain_before
        self.asking_pain = ask_pain and runner.status == "ready"
        self.checkpoint = CheckpointKeeper(self, checkpoint)
        self._timer: Timer | None = None
        self._due: float | None = None  # clock time the one-shot timer is set for
        self._question: _Question | None = None
        self._ending = False
        self._shown: dict[str, object] = {}

    # The widgets, one typed accessor each (their ids are named here only, and in compose).

    @property
    def progress_bar(self) -> ProgressBar:
        return self.query_one("#session-progress", ProgressBar)

    @property
    def phase_count(self) -> PhaseCount:
        return self.query_one(PhaseCount)

    @property
    def figure_view(self) -> FigureView:
        return self.query_one("#runner-figure", FigureView)

    @property
    def count_row(self) -> Widget:
        return self.query_one("#count-row")

    @property
    def question_box(self) -> Vertical:
        return self.query_one("#observe", Vertical)

    def compose(self) -> ComposeResult:
        with Horizontal(id="session-top"):
            yield Label(escape(self.routine.name), id="session-routine")
            yield Label("", id="session-step")
            yield Label("", id="session-left")
        yield SessionProgress(total=1.0, show_eta=False, show_percentage=False, id="session-progress")
        with Vertical(id="session-body"):
            yield Label("", id="pose-title")
            yield Static("", id="pose-cue")
            yield Label("", id="pose-where")
            with Horizontal(id="count-row"):
                yield FigureView(id="runner-figure")
                yield PhaseCount(id="phase")
            yield Vertical(id="observe")
        yield Label("", id="next-step")
        yield AppFooter(compact=True)

    def on_mount(self) -> None:
        if self.asking_pain:
            # Nothing counts, no checkpoint is written, until the pain before is answered or skipped.
            record = (
                self.service.pain_score_today()
            )  # today's "How is your back today?", offered (Enter keeps it)
            question = PainBeforeScreen(self.routine.name, record.value if record is not None else None)
            self.app.push_screen(question, callback=self._pain_answered)
            self._pain_hint(question)
            return
        self._begin()

    @work(thread=True, exclusive=True, group="pain-hint", exit_on_error=False)
    def _pain_hint(self, question: PainBeforeScreen) -> None:
        """What an answer will do (the day after), worked out off the event loop and shown when known."""
        try:
            text = self.service.back_question() or ""
        except Exception:
            return
        if text:
            self.app.call_from_thread(question.show_hint, text)

    def _pain_answered(self, pain: int | None) -> None:
        if pain == CANCEL:  # went back before the first count: nothing to save, nothing to keep
            self.checkpoint.finish()
            self.dismiss(None)
            return
        self.pain_before = pain
        self.asking_pain = False
        self.started_at = self.service.now()  # the practice starts now, not when the question opened
        self._begin()

    def _begin(self) -> None:
        if self.runner.status == "ready":
            self.runner.start()
        self.set_interval(SAFETY_INTERVAL, self._safety_check, name="session-safety")
        self.checkpoint.start()
        self.refresh_view()

    # Drawing ---------------------------------------------------------------

    def refresh_view(self) -> None:
        """Advance the runner to now, play cues, redraw, and schedule the next redraw."""
        if self._ending and not self.is_current:
            return
        cues = self.runner.poll()
        settings = self.service.settings
        player = self.backroll.cue_player
        changed = player.play(cues, sound=settings.sound, voice=settings.voice)
        view = self.runner.view()
        self._draw(view)
        if changed is not None:
            self._flash(settings.flash)
            player.caption(describe(view))
        self._schedule()
        self.checkpoint.after_redraw(view)
        if self.runner.done and not self._ending and self.runner.status == "finished":
            self._end()

    def _flash(self, on: bool) -> None:
        """The optional flash at each change (Settings): the body lights up for a moment."""
        if not on:
            return
        self.add_class("-flash")
        self.set_timer(FLASH_SECONDS, lambda: self.remove_class("-flash"), name="session-flash")

    def _safety_check(self) -> None:
        """Redraw if the one-shot timer missed its change (suspend, clock jump) or none is set.

        Between changes nothing on screen moves but the progress bar, so a redraw that is not
        overdue would only cost a frame (a third of the frames of a running session).
        """
        due = self._due
        if due is not None and self.clock() < due + OVERDUE:
            return
        self.refresh_view()

    def _set(self, selector: str, text: str) -> None:
        # Only touch widgets whose text changed: most redraws change one number.
        old = self._shown.get(selector)
        if old != text:
            self._shown[selector] = text
            same_width = (
                selector in SAME_WIDTH_NO_LAYOUT and isinstance(old, str) and cell_len(old) == cell_len(text)
            )
            self.query_one(selector, Static).update(text, layout=not same_width)

    def _draw(self, view: RunnerView) -> None:
        step = f"step {view.step_number} of {view.step_count}"
        if view.rounds > 1:
            step = f"round {view.round} of {view.rounds} · {step}"
        self._set("#session-step", step)
        self._set(
            "#session-left", f"{clock_text(view.session_left, always_minutes=True)} left"
        )  # "0:59 left", not "59 left"
        progress = round(view.progress, 3)
        if self._shown.get("progress") != progress:
            self._shown["progress"] = progress
            self.progress_bar.update(progress=progress)
        self._set("#pose-title", escape(view.title or ""))
        self._set("#pose-cue", escape(view.cue or ""))
        where = [
            text
            for text in (side_text(view.side), f"rep {view.rep} of {view.reps}" if view.reps > 1 else "")
            if text
        ]
        self._set("#pose-where", " · ".join(where))
        phase = str(getattr(view.phase, "value", view.phase)) if view.phase is not None else None
        count, unit = count_text(view)
        shown = (phase, unit, view.paused, bool(count))
        if self._shown.get("phase") != shown:
            self._shown["phase"] = shown
            self._shown["count"] = count
            self.phase_count.show(phase, count, unit, paused=view.paused)
        elif self._shown.get("count") != count:
            # Only the number moved (the usual redraw): the phase word, unit and classes stay as they are,
            # so skip PhaseCount.show's label updates and restyling and repaint just the number.
            self._shown["count"] = count
            self.phase_count.digits.update(count)
        self._set("#next-step", f"Next: {escape(view.next_title)}" if view.next_title else "Last step")
        self._draw_figure(view)
        self.set_class(view.paused, "-paused")
        self._show_question(view)

    def _draw_figure(self, view: RunnerView) -> None:
        """The pose's figure at the move's phase: a new frame only when the phase or the pose moved."""
        figure = self.figure_view
        frame = self.service.runner_frame(view) if figure.display and not view.question else None
        figure.show(frame)

    def on_resize(self, event: events.Resize) -> None:
        self.count_row.set_class(event.size.width < FIGURE_BESIDE, "-stacked")

    def action_toggle_figure(self) -> None:
        """f hides the figure (the count takes its room) or shows it again."""
        self._typing()
        figure = self.figure_view
        figure.display = not figure.display
        self.refresh_view()

    def _show_question(self, view: RunnerView) -> None:
        box = self.question_box
        if not view.question:
            if self._question is not None:
                self._question = None
                box.remove_children()
                box.display = False
            box.display = False
            return
        key = (view.step_index, view.question)
        if self._question is not None and self._question.key == key:
            return
        self._question = _Question(key, tuple(view.choices or ()))
        box.remove_children()
        box.display = True
        widgets: list[Widget] = [Label(escape(view.question), id="question")]
        if view.choices:
            buttons = [
                Button(choice, id=f"choice-{i}", classes="choice") for i, choice in enumerate(view.choices)
            ]
            widgets.append(Horizontal(*buttons, id="choices"))
        else:
            # While typing, h is a letter: Esc leaves the box (then h stops at once), and the
            # button beside it stops with one click.
            widgets.append(
                Horizontal(
                    Input(placeholder="What you notice, then Enter · Esc leaves the box", id="answer"),
                    Button("It hurts", id="hurt-button", variant="error"),
                    id="free-answer",
                )
            )
        box.mount_all(widgets)

        def focus_first() -> None:
            for widget in box.query("Button, Input"):
                if not self.backroll.cursor_blink and isinstance(widget, Input):
                    widget.cursor_blink = False
                widget.focus()
                break

        self.call_after_refresh(focus_first)

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._due = None
        if self.runner.status != "running":
            return
        change = self.runner.next_change()
        if change is None:
            return
        delay = max(0.0, change - self.clock()) + TIMER_SLACK
        self._due = self.clock() + delay
        self._timer = self.set_timer(delay, self.refresh_view, name="session-next")

    # Actions ---------------------------------------------------------------

    def _typing(self) -> None:
        if isinstance(self.focused, Input):
            raise SkipAction()

    def _act(self, method: Callable[[], object]) -> None:
        self._typing()
        if self.runner.done or self._ending:
            return
        method()
        self.refresh_view()

    def action_toggle_pause(self) -> None:
        self._act(self.runner.toggle_pause)

    def action_pause(self) -> None:
        if self.runner.status == "running":
            self._act(self.runner.pause)

    def action_resume(self) -> None:
        if self.runner.status == "paused":
            self._act(self.runner.resume)

    def action_skip(self) -> None:
        self._typing()
        if not self.runner.done and not self._ending and self.runner.view().next_title is None:
            # Skipping the last step ends the session: ask, as q does.
            self._ask_to_end(
                "Skip the last step and end the session?", yes="Skip and end", end=self.runner.skip
            )
            return
        self._act(self.runner.skip)

    def action_back(self) -> None:
        self._act(self.runner.back)

    def action_hurt(self) -> None:
        """Stop at once and save the session as hurt, with where, before any dialog; then the note and the check-in."""
        self._typing()
        if self.runner.done or self._ending:
            return
        self.runner.hurt()
        self.refresh_view()
        self._ending = True
        self.checkpoint.record_hurt()  # saved off the event loop, started now
        self.app.push_screen(HurtNoteScreen(), callback=lambda _: self._checkin())

    def action_stop(self) -> None:
        if isinstance(self.focused, Input):
            self.set_focus(None)  # Esc while typing leaves the box, so h and n work again
            return
        if self._ending:
            return
        if self.runner.done:
            self._end()
            return
        self._ask_to_end("End this session now?", yes="End session", end=self.runner.stop)

    def _ask_to_end(self, question: str, *, yes: str, end: Callable[[], object]) -> None:
        """Pause, ask, and on yes `end()` the run and go to the check-in; on no carry on as before."""
        was_running = self.runner.status == "running"
        if was_running:
            self.runner.pause()
            self.refresh_view()

        def answered(stop: bool | None) -> None:
            if stop:
                end()
                if not self.runner.done:
                    self.runner.stop()
                self.refresh_view()
                self._end()
            elif was_running and self.runner.status == "paused":
                self._act(self.runner.resume)

        self.app.push_screen(
            ConfirmScreen(
                question, "What you have done so far can still be saved.", yes=yes, no="Keep going"
            ),
            callback=answered,
        )

    @on(Button.Pressed, ".choice")
    def _choice(self, event: Button.Pressed) -> None:
        event.stop()
        self._answer(str(event.button.label))

    @on(Button.Pressed, "#hurt-button")
    def _hurt_pressed(self) -> None:
        self.set_focus(None)
        self.action_hurt()

    @on(Input.Submitted, "#answer")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        self._answer(event.value.strip())

    def _answer(self, text: str) -> None:
        if self.runner.done or not self.runner.view().question:
            return
        self.runner.answer(text)
        self.refresh_view()

    # Ending ----------------------------------------------------------------

    def _end(self) -> None:
        if self._ending:
            return
        self._ending = True
        self._checkin()

    def finished_run(self) -> FinishedRun:
        return FinishedRun(
            self.routine, self.runner.results(), self.started_at,
            session_id=self.session_id, prescription=self.prescription, zone=self.zone, pain_before=self.pain_before,
        )  # fmt: skip

    def _checkin(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.app.push_screen(CheckInScreen(self.service, self.finished_run()), callback=self._checked_in)

    def _checked_in(self, saved: Session | None) -> None:
        # Saved, exported to a file, or left on purpose: the checkpoint has done its job.
        self.checkpoint.finish()
        # Not `callback=self.dismiss`: Textual runs the callback in this screen's own message
        # loop when the session ended on its timer, and awaiting dismiss() there raises.
        self.dismiss(saved)
