"""Before the first count: how much does it hurt now? One digit answers (1 then 0 for 10), Enter or s skips,
Esc or q goes back without starting.

Nothing counts while it waits: the session screen starts its runner only once
this dismisses. The answer is the session's pain before; the check-in shows
it again, to be changed if need be. When today already has a pain record
("How is your back today?"), the question offers it: Enter keeps it. A hint
line says what an answer will do (the day after; worded by the core).
"""

from __future__ import annotations

from rich.markup import escape
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
OFFER = (
    "[b]Enter[/b] keeps today's {value} · type 0 to 10 to change it · [b]s[/b] skips · [b]Esc[/b] goes back"
)


class PainBeforeScreen(AppModal["int | None"]):
    """Dismisses with the pain before (0-10), or None when skipped."""

    AUTO_FOCUS = ""  # the keys answer, not a focused button (Enter skips)
    BINDINGS = [
        Binding("enter", "enter", "Skip (or keep today's score)", id="pain-before.enter"),
        Binding("s", "skip", "Skip the question", id="pain-before.skip"),
        Binding("escape,q", "cancel", "Back, without starting", id="pain-before.cancel"),
    ]

    def __init__(self, routine_name: str, offered: int | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.routine_name = routine_name
        self.offered = offered  # today's pain record, kept with Enter
        self.pending_one = False  # "1" typed: 1, or the start of 10

    # The widgets, one typed accessor each (their ids are named here only, and in compose).

    @property
    def keys_text(self) -> Static:
        return self.query_one("#pain-before-keys", Static)

    @property
    def hint_text(self) -> Static:
        return self.query_one("#pain-before-hint", Static)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pain-before-dialog"):
            yield Label(f"Before you start: {self.routine_name}", classes="dialog-title")
            yield Static(PROMPT, classes="dialog-text")
            with Horizontal(id="pain-scale"):
                for score in range(11):
                    button = Button(str(score), id=f"pain-{score}", classes="pain-score", compact=True)
                    button.can_focus = False  # Enter skips; a focused button would take it
                    yield button
            keys = KEYS if self.offered is None else OFFER.format(value=self.offered)
            yield Static(keys, id="pain-before-keys")
            hint = Static("", id="pain-before-hint", classes="dialog-hint")
            hint.display = False
            yield hint
            with Horizontal(classes="dialog-buttons"):
                skip = Button("Skip", id="pain-skip", compact=True)
                skip.can_focus = False
                yield skip

    def on_key(self, event: events.Key) -> None:
        if event.character is None or not (
            event.character.isascii() and event.character.isdigit()
        ):  # "²" is a key too
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
            self.keys_text.update(WAITING)
            return
        self.dismiss(digit)

    def show_hint(self, text: str) -> None:
        """What an answer will do (tracker.dayafter, through the service), once worked out."""
        if not self.is_attached:
            return  # answered before the hint was worked out
        hint = self.hint_text
        hint.update(escape(text))
        hint.display = bool(text)

    def action_enter(self) -> None:
        """Enter: 1 after "1", else today's pain record when one is offered, else skip."""
        if self.pending_one:
            self.dismiss(1)
        elif self.offered is not None:
            self.dismiss(self.offered)
        else:
            self.dismiss(None)

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
