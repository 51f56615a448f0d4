"""Current streak in big digits, with the longest streak and consistency beside it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Digits, Static

if TYPE_CHECKING:
    from tracker.service import StreakSummary


def describe_last(last: date | None, today: date) -> str:
    if last is None:
        return "no practice yet"
    days = (today - last).days
    if days <= 0:
        return "practised today"
    if days == 1:
        return "last practice yesterday"
    return f"last practice {days} days ago"


class StreakCard(Horizontal):
    """`streaks.StreakSummary` at a glance."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="card")
        self.border_title = "Streak"

    # The widgets, one typed accessor each (their ids are named here only, and in compose).

    @property
    def digits(self) -> Digits:
        return self.query_one("#streak-digits", Digits)

    @property
    def two_lines(self) -> Static:
        return self.query_one("#streak-text", Static)

    @property
    def one_line(self) -> Static:
        return self.query_one("#streak-line", Static)

    def compose(self) -> ComposeResult:
        # Blank (one digit wide) until the history is read: never a streak of 0 that is not the person's.
        yield Digits(" ", id="streak-digits")
        yield Static("", id="streak-text")
        yield Static(
            "", id="streak-line"
        )  # the short terminal's version: one line, shown instead of the two above

    def show(self, summary: StreakSummary, today: date) -> None:
        self.digits.update(str(summary.current))
        days = "day" if summary.current == 1 else "days"
        text = (
            f"[b]{days} in a row[/b]\n"
            f"longest {summary.longest} · {summary.practice_days} practice day{'' if summary.practice_days == 1 else 's'}\n"
            f"consistency {round(summary.consistency * 100)}%\n"
            f"{describe_last(summary.last_practice, today)}"
        )
        self.two_lines.update(text)
        self.one_line.update(
            f"[b]{summary.current} {days} in a row[/b] · longest {summary.longest} · {round(summary.consistency * 100)}%"
        )
