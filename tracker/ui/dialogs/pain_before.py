"""Before the first count: how much does it hurt now? One digit answers (1 then 0 for 10), Enter or s skips,
Esc or q goes back without starting.

Nothing counts while it waits: the session screen starts its runner only once
this dismisses. The answer is the session's pain before; the check-in shows
it again, to be changed if need be.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from tracker.ui.screens.base import AppModal

PROMPT = "How much does your back hurt right now?"
KEYS = "Type 0 to 10 (0: not at all, 10: the worst) · [b]Enter[/b] or [b]s[/b] skips · [b]Esc[/b] goes back"
CANCEL = -1  # dismissed with this: the person went back; the session does not start
WAITING = "[b]1[/b]… then [b]0[/b] for 10, or [b]Enter[/b] for 1"


class PainBeforeScreen(AppModal["int | None"]):
    """Dismisses with the pain before (0-10), or None when skipped."""

    AUTO_FOCUS = ""  # the keys answer, not a focused button (Enter skips)
    BINDINGS = [
        Binding("enter,s", "skip", "Skip the question", id="pain-before.skip"),
        Binding("escape,q", "cancel", "Back, without starting", id="pain-before.cancel"),
    ]

    def __init__(self, routine_name: str) -> None:
        super().__init__(classes="dialog-screen")
        self.routine_name = routine_name
        self.pending_one = False  # "1" typed: 1, or the start of 10

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pain-before-dialog"):
            yield Label(f"Before you start: {self.routine_name}", classes="dialog-title")
            yield Static(PROMPT, classes="dialog-text")
            with Horizontal(id="pain-scale"):
                for score in range(11):
                    button = Button(str(score), id=f"pain-{score}", classes="pain-score", compact=True)
                    button.can_focus = False  # Enter skips; a focused button would take it
                    yield button
            yield Static(KEYS, id="pain-before-keys")
            with Horizontal(classes="dialog-buttons"):
                skip = Button("Skip", id="pain-skip", compact=True)
                skip.can_focus = False
                yield skip

    def on_key(self, event: events.Key) -> None:
        if event.character is None or not (event.character.isascii() and event.character.isdigit()):  # "²" is a key too
            return
        event.stop()
        digit = int(event.character)
        if self.pending_one:
            if digit == 0:
                self.dismiss(10)
                return
            self.dismiss(1)  # "1" then another digit: take the 1 (a second digit is not a score)
            return
        if digit == 1:
            self.pending_one = True
            self.query_one("#pain-before-keys", Static).update(WAITING)
            return
        self.dismiss(digit)

    def action_skip(self) -> None:
        self.dismiss(1 if self.pending_one else None)

    def action_cancel(self) -> None:
        self.dismiss(CANCEL)

    @on(Button.Pressed, ".pain-score")
    def _clicked(self, event: Button.Pressed) -> None:
        self.dismiss(int(str(event.button.label)))

    @on(Button.Pressed, "#pain-skip")
    def _skipped(self) -> None:
        self.dismiss(None)
