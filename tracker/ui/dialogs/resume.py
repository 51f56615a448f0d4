"""The offer made at launch for a session cut off by a closed terminal, a crash or a kill."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from tracker.ui.screens.base import AppModal

if TYPE_CHECKING:
    from tracker.service import Checkpoint

Choice = Literal["resume", "save", "discard", "later"]


def minutes_text(seconds: float) -> str:
    seconds = int(round(max(0.0, seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


class ResumeScreen(AppModal[Choice]):
    """Resume where it stopped, save it as ended early, or discard it; Esc decides later (it is kept)."""

    BINDINGS = [
        Binding("r", "choose('resume')", "Resume", id="resume.resume"),
        Binding("s", "choose('save')", "Save as ended early", id="resume.save"),
        Binding("d", "choose('discard')", "Discard", id="resume.discard"),
        Binding("escape", "choose('later')", "Later", id="resume.later"),
    ]

    def __init__(self, checkpoint: Checkpoint, *, resumable: bool = True) -> None:
        super().__init__(classes="dialog-screen")
        self.checkpoint = checkpoint
        self.resumable = resumable  # False when its routine is gone from the library

    @property
    def can_resume(self) -> bool:
        return self.resumable and not self.checkpoint.finished

    def compose(self) -> ComposeResult:
        checkpoint = self.checkpoint
        started = checkpoint.started_at.strftime("%a %d %b, %H:%M")
        if checkpoint.finished:
            title = "A finished session was not checked in"
            where = "It reached its end."
        else:
            title = "A session was cut off"
            where = f"It stopped at {escape(checkpoint.where)}."
        text = (
            f"[b]{escape(checkpoint.name)}[/b], started {started}, {minutes_text(checkpoint.elapsed)} done.\n{where}\n\n"
            + (
                "Resume goes on from there, paused; a rep cut in the middle starts again. "
                if self.can_resume
                else ""
            )
            + "Save keeps what was done as a session ended early."
        )
        with Vertical(classes="dialog", id="resume-dialog"):
            yield Label(title, classes="dialog-title")
            yield Static(text, classes="dialog-text", id="resume-text")
            with Horizontal(classes="dialog-buttons"):
                if self.can_resume:
                    yield Button("Resume", id="resume", variant="primary")
                yield Button(
                    "Save as ended early" if self.can_resume else "Check in and save",
                    id="save",
                    variant="default" if self.can_resume else "primary",
                )
                yield Button("Discard", id="discard", variant="error")

    def on_mount(self) -> None:
        self.query_one("#resume" if self.can_resume else "#save", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose(str(event.button.id))

    def action_choose(self, choice: str) -> None:
        if choice == "resume" and not self.can_resume:
            return
        self.dismiss(choice)  # type: ignore[arg-type]
