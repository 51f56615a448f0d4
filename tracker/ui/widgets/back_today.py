"""Today's "How is your back today?" card: one digit answers (1 then 0 for 10), Esc dismisses it for the day.

The card never takes the focus: the routine list keeps it, so the arrows, Enter and `s` work as on any
day. Today hands the card the digits (and Esc, and Enter after a 1) while it is shown (`take_key`).

Shown when today has no pain score yet and the last practice day held a bridge session
(`Backroll.back_question`); the card says what an answer will do before it is given (the words come
from the core). The answer is a pain record (practice-rules.md, "The day after"): never practice.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.markup import escape
from textual import events
from textual.message import Message
from textual.widgets import Static

PROMPT = "How is your back today?"
KEYS = "Type 0 to 10 (0: fine, 10: the worst) · [b]Esc[/b] not today"
WAITING = "[b]1[/b]… then [b]0[/b] for 10, or [b]Enter[/b] for 1"


class BackTodayCard(Static):
    """The one-key card; posts `Answered` or `Dismissed`."""

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
        self.compact = False  # a short terminal: the keys alone, the list below keeps its rows

    def ask(self, hint: str) -> None:
        self.hint = hint
        self.pending_one = False
        self._draw(KEYS)
        self.display = True

    def show_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self._draw(WAITING if self.pending_one else KEYS)

    def _draw(self, keys: str) -> None:
        if self.hint and not self.compact:
            self.update(f"{escape(self.hint)}\n[dim]{keys}[/dim]")
        else:
            self.update(f"[dim]{keys}[/dim]")

    def take_key(self, event: events.Key) -> bool:
        """Answer or dismiss with this key, if it is one of the card's (a digit, Esc, Enter after a 1)."""
        if event.key == "escape":
            self.action_dismiss_card()
            return True
        if event.key == "enter" and self.pending_one:
            self.action_take_one()
            return True
        if event.character is None or not (event.character.isascii() and event.character.isdigit()):
            return False
        self._take_digit(int(event.character))
        return True

    def _take_digit(self, digit: int) -> None:
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
