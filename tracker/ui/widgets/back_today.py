"""Today's "How is your back today?" card: one digit answers (1 then 0 for 10), Esc dismisses it for the day.

Shown when today has no pain score yet and the last practice day held a bridge session
(`Backroll.back_question`); the card says what an answer will do before it is given (the words come
from the core). The answer is a pain record (practice-rules.md, "The day after"): never practice.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.markup import escape
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

PROMPT = "How is your back today?"
KEYS = "Type 0 to 10 (0: fine, 10: the worst) · [b]Esc[/b] not today"
WAITING = "[b]1[/b]… then [b]0[/b] for 10, or [b]Enter[/b] for 1"


class BackTodayCard(Static, can_focus=True):
    """The one-key card; posts `Answered` or `Dismissed`."""

    BINDINGS = [
        Binding("escape", "dismiss_card", "Not today", id="back-today.dismiss"),
        Binding("enter", "take_one", "Answer", show=False, id="back-today.one"),
    ]

    @dataclass
    class Answered(Message):
        value: int

    class Dismissed(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, classes="card")
        self.border_title = PROMPT
        self.hint = ""
        self.pending_one = False

    def ask(self, hint: str) -> None:
        self.hint = hint
        self.pending_one = False
        self._draw(KEYS)
        self.display = True

    def _draw(self, keys: str) -> None:
        self.update(f"{escape(self.hint)}\n[dim]{keys}[/dim]" if self.hint else f"[dim]{keys}[/dim]")

    def on_key(self, event: events.Key) -> None:
        if event.character is None or not event.character.isdigit():
            return
        event.stop()
        event.prevent_default()
        digit = int(event.character)
        if self.pending_one:
            self.pending_one = False
            self.post_message(self.Answered(10 if digit == 0 else 1))
            return
        if digit == 1:
            self.pending_one = True
            self._draw(WAITING)
            return
        self.post_message(self.Answered(digit))

    def action_take_one(self) -> None:
        if self.pending_one:
            self.pending_one = False
            self.post_message(self.Answered(1))

    def action_dismiss_card(self) -> None:
        self.post_message(self.Dismissed())
