"""The check-in after a session: a few optional answers, then one save off the event loop.

A failed save (disk full, data locked...) keeps the session in memory and
offers to retry or to write it to a file that `backroll import` can read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static

from tracker.ui.screens.base import AppModal

from ...model import CheckIn, Felt, Stability
from .confirm import ConfirmScreen

if TYPE_CHECKING:
    from tracker.model import Prescription, Routine, Session
    from tracker.service import Backroll, RunResult

PAIN_CHOICES = [(str(score), score) for score in range(11)]
SAVE_HINT = "[b]ctrl+s[/b] saves"


@dataclass(frozen=True)
class FinishedRun:
    """What the runner hands to the check-in: the routine, its results, and when it started."""

    routine: Routine
    result: RunResult
    started_at: datetime
    session_id: str | None = None  # given at the start: the record `h` made and the checkpoint share it
    prescription: Prescription | None = (
        None  # the bridge program's level it ran at (None: the service knows it)
    )
    zone: str | None = None  # the zone it started in, for a session resumed or saved from a checkpoint
    pain_before: int | None = None  # asked before the first count; shown here, to be changed if need be


class CheckInScreen(AppModal["Session | None"]):
    """Dismisses with the saved Session, or None when the person chose not to keep it."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="checkin.save"),
        # One meaning, whatever ended the session: the answers not given stay empty, the ones given are kept.
        Binding("escape", "skip_rest", "Skip the rest (keeps what you gave)", id="checkin.skip-rest"),
        # A short terminal puts Save below the fold: the page keys scroll, whatever has the focus.
        Binding("pageup", "scroll_form(-1)", "Page up", show=False, id="checkin.page-up"),
        Binding("pagedown", "scroll_form(1)", "Page down", show=False, id="checkin.page-down"),
    ]

    def __init__(self, service: Backroll, run: FinishedRun) -> None:
        super().__init__(classes="dialog-screen")
        self.service = service
        self.run = run
        self.session: Session | None = None  # kept in memory until it is saved or exported
        self.failed = False

    @property
    def hurt(self) -> bool:
        return getattr(self.run.result, "hurt_at", None) is not None

    @property
    def completed(self) -> bool:
        return bool(getattr(self.run.result, "completed", False))

    # The widgets, one typed accessor each (their ids are named here only, and in compose).

    @property
    def stable_radios(self) -> RadioSet:
        return self.query_one("#stable", RadioSet)

    @property
    def felt_radios(self) -> RadioSet:
        return self.query_one("#felt", RadioSet)

    @property
    def pain_before_select(self) -> Select[int]:
        return self.query_one("#pain-before", Select)

    @property
    def pain_after_select(self) -> Select[int]:
        return self.query_one("#pain-after", Select)

    @property
    def form(self) -> Vertical:
        return self.query_one("#checkin-dialog", Vertical)

    @property
    def pain_before_effect(self) -> Static:
        return self.query_one("#pain-before-effect", Static)

    @property
    def pain_after_effect(self) -> Static:
        return self.query_one("#pain-after-effect", Static)

    @property
    def note_input(self) -> Input:
        return self.query_one("#note", Input)

    @property
    def buttons(self) -> Widget:
        return self.query_one("#checkin-buttons")

    @property
    def retry_button(self) -> Button:
        return self.query_one("#retry", Button)

    @property
    def status_text(self) -> Static:
        return self.query_one("#checkin-status", Static)

    def compose(self) -> ComposeResult:
        intro = "every answer is optional"
        if self.hurt:
            title = "Check-in · stopped because it hurt"
            intro = "saved with where it hurt; answers are optional"
        elif self.completed:
            title = "Check-in · well done"
        else:
            title = "Check-in · session ended early"
        with Vertical(classes="dialog", id="checkin-dialog"):
            with Horizontal(classes="dialog-title-row"):
                yield Label(title, classes="dialog-title")
                yield Static(SAVE_HINT, id="checkin-keys")  # Save may be below the fold: the key is in sight
            yield Static(f"{escape(self.run.routine.name)} · {intro}", classes="dialog-text")
            with Horizontal(classes="checkin-row"):
                yield Label("Pain before", classes="checkin-label")
                yield Select(PAIN_CHOICES, prompt="–", id="pain-before", classes="pain")
                yield Label("after", classes="checkin-label-short")
                yield Select(PAIN_CHOICES, prompt="–", id="pain-after", classes="pain")
            before_effect = Static("", id="pain-before-effect", classes="dialog-hint")
            before_effect.display = False  # shown once a pain before is given
            yield before_effect
            yield Static(self._effect(None), id="pain-after-effect", classes="dialog-hint")
            with Horizontal(classes="checkin-row"):
                yield Label("Stable?", classes="checkin-label")
                with RadioSet(id="stable", classes="inline-radio"):
                    for choice in Stability:
                        yield RadioButton(choice.value, name=choice.value)
            with Horizontal(classes="checkin-row"):
                yield Label("It felt", classes="checkin-label")
                with RadioSet(id="felt", classes="inline-radio"):
                    for felt in Felt:
                        yield RadioButton(felt.value, name=felt.value)
            yield Input(placeholder="A note (optional)", id="note", max_length=500)
            yield Static("", id="checkin-status")
            with Horizontal(classes="dialog-buttons", id="checkin-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Retry", id="retry", variant="primary", classes="-failed-only")
                yield Button("Export to file", id="export", classes="-failed-only")
                # A hurt session is saved already (at `h`): there is no leaving it unsaved, only the answers to skip.
                if self.hurt:
                    yield Button("Skip the rest", id="skip-rest", variant="default")
                else:
                    yield Button("Don't save", id="discard", variant="error")

    def on_mount(self) -> None:
        if self.run.pain_before is not None:
            # Given at the start: filled in (still editable), and the first question is the pain after.
            with self.prevent(Select.Changed):
                self.pain_before_select.value = self.run.pain_before
            self._show_before_effect(self.run.pain_before)
            self.pain_after_select.focus()
        else:
            self.pain_before_select.focus()

    def action_scroll_form(self, pages: int) -> None:
        form = self.form
        (form.scroll_page_down if pages > 0 else form.scroll_page_up)(animate=False)

    def _effect(self, pain_after: int | None) -> str:
        """Under the pain-after question: what that answer will do to the advice."""
        try:
            return escape(self.service.pain_after_effect(pain_after, self.run.started_at.date()))
        except Exception:  # a history that cannot be read right now: the question still works
            return ""

    def _before_effect(self, pain_before: int | None) -> str:
        """Under the pain-before question: what it does as the day's first pain score (the day after)."""
        if pain_before is None:
            return ""
        try:
            day = self.run.started_at.date()
            return escape(
                self.service.pain_answer_effect(pain_before, day, excluding=self.run.session_id, quiet=True)
            )
        except Exception:  # a history that cannot be read right now: the question still works
            return ""

    @on(Select.Changed, "#pain-before")
    def _pain_before_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, int) else None
        self._show_before_effect(value)

    def _show_before_effect(self, value: int | None) -> None:
        text = self._before_effect(value)
        hint = self.pain_before_effect
        hint.update(text)
        hint.display = bool(text)

    @on(Select.Changed, "#pain-after")
    def _pain_after_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, int) else None
        self.pain_after_effect.update(self._effect(value))

    # Reading the form ------------------------------------------------------

    def checkin(self) -> CheckIn:
        def pain(select: Select[int]) -> int | None:
            value = select.value
            return value if isinstance(value, int) else None

        def choice(radios: RadioSet) -> str | None:
            pressed = radios.pressed_button
            return pressed.name if pressed is not None else None

        stable = choice(self.stable_radios)
        felt = choice(self.felt_radios)
        return CheckIn(
            pain_before=pain(self.pain_before_select),
            pain_after=pain(self.pain_after_select),
            stable=Stability(stable) if stable else None,
            felt=Felt(felt) if felt else None,
            note=self.note_input.value.strip(),
        )

    # Saving ----------------------------------------------------------------

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#note")
    def action_save(self) -> None:
        if self.failed:
            self._retry()
            return
        self._save_with(self.checkin())

    def _save_with(self, checkin: CheckIn) -> None:
        run = self.run
        self.session = self.service.make_session(
            run.routine, run.result, checkin, run.started_at,
            session_id=run.session_id, prescription=run.prescription, zone=run.zone,
        )  # fmt: skip
        self._begin_save()

    @on(Button.Pressed, "#retry")
    def _retry(self) -> None:
        if self.session is None:
            self.action_save()
            return
        # Same id (a save that half-happened must not become two sessions); answers edited since still count.
        self.session = replace(self.session, checkin=self.checkin())
        self._begin_save()

    def _begin_save(self) -> None:
        self._status("Saving…")
        self.buttons.disabled = True
        self._save(self.session)

    @work(thread=True, exclusive=True, group="checkin-save", exit_on_error=False)
    def _save(self, session: Session) -> None:
        try:
            self.service.save_session(session)
        except Exception as error:  # StoreWriteError, StoreLocked, or worse: never lose the session
            self.app.call_from_thread(self._save_failed, error)
            return
        self.app.call_from_thread(self._saved, session)

    def _saved(self, session: Session) -> None:
        self.dismiss(session)  # not awaited: see SessionScreen._checked_in

    def _save_failed(self, error: Exception) -> None:
        self.failed = True
        self.add_class("-failed")
        self.buttons.disabled = False
        self._status(
            f"[b]Not saved:[/b] {escape(str(error))}\n"
            "Your session is kept here. Retry, or export it to a file and import it later.",
            error=True,
        )
        self.retry_button.focus()

    @on(Button.Pressed, "#export")
    def _export(self) -> None:
        if self.session is None:
            return
        self.session = replace(self.session, checkin=self.checkin())
        self._status("Writing the file…")
        self._write_rescue(self.session)

    @work(thread=True, exclusive=True, group="checkin-export", exit_on_error=False)
    def _write_rescue(self, session: Session) -> None:
        try:
            path = self.service.rescue(session)
        except OSError as error:
            self.app.call_from_thread(
                self._status, f"[b]Could not write a file either:[/b] {escape(str(error))}", True
            )
            return
        self.app.call_from_thread(self._exported, path)

    def _exported(self, path: Path) -> None:
        self.app.notify(
            f"Saved to {path}\nRun `backroll import {path}` later to add it to your history.", timeout=15
        )
        self.dismiss(None)

    @on(Button.Pressed, "#skip-rest")
    def action_skip_rest(self) -> None:
        """Leave the questions not answered yet: every answer already given (the pain before included) is saved."""
        self.action_save()

    @on(Button.Pressed, "#discard")
    def action_discard(self) -> None:
        if self.hurt:
            return  # saved at `h`: there is nothing to leave unsaved

        def answered(sure: bool | None) -> None:
            if sure:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                "Leave without saving?",
                "This session will not count in your history.",
                yes="Don't save",
                no="Back",
            ),
            callback=answered,
        )

    def _status(self, text: str, error: bool = False) -> None:
        status = self.status_text
        status.update(text)
        status.set_class(error, "-error")
