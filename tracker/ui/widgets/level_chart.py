"""The bridge program's level over time: lifts per week as a sparkline, and the changes with their dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from tracker.model import Prescription

LevelHistory = Sequence[tuple[date, Prescription]]


def weekly_levels(history: LevelHistory, today: date, weeks: int = 26) -> list[Prescription | None]:
    """The level at the end of each of the last `weeks` weeks (Mon-Sun, oldest first); None before the first session."""
    ordered = sorted(history, key=lambda item: item[0])
    this_monday = today - timedelta(days=today.weekday())
    levels: list[Prescription | None] = []
    index, current = 0, None
    for week in range(weeks - 1, -1, -1):
        week_end = this_monday - timedelta(weeks=week) + timedelta(days=6)
        while index < len(ordered) and ordered[index][0] <= week_end:
            current = ordered[index][1]
            index += 1
        levels.append(current)
    return levels


def level_changes(history: LevelHistory) -> list[tuple[date, Prescription]]:
    """The first day of each level: where the prescription differs from the one before."""
    changes: list[tuple[date, Prescription]] = []
    for day, level in sorted(history, key=lambda item: item[0]):
        if not changes or changes[-1][1] != level:
            changes.append((day, level))
    return changes


def describe_change(before: Prescription | None, after: Prescription) -> str:
    if before is None:
        return "started"
    if after.lifts != before.lifts:
        return "more lifts" if after.lifts > before.lifts else "fewer lifts"
    if after.hold != before.hold:
        return "longer hold" if after.hold > before.hold else "shorter hold"
    if after.count != before.count:
        return "longer counts" if after.count > before.count else "shorter counts"
    return ""


class LevelChart(Vertical):
    """Shows `progression.level_history`: a sparkline of lifts by week and a table of level changes."""

    DEFAULT_CSS = """
    LevelChart { height: auto; }
    LevelChart > .level-chart--caption { color: $text-muted; }
    LevelChart > Sparkline { height: 2; margin: 0 0 1 0; }
    """

    def __init__(
        self, *, weeks: int = 26, max_rows: int = 6, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.weeks = weeks
        self.max_rows = max_rows

    # The widgets, one typed accessor each (their ids are named here only, and in compose).

    @property
    def sparkline(self) -> Sparkline:
        return self.query_one("#level-sparkline", Sparkline)

    @property
    def caption(self) -> Static:
        return self.query_one("#level-caption", Static)

    @property
    def changes_text(self) -> Static:
        return self.query_one("#level-changes", Static)

    def compose(self) -> ComposeResult:
        yield Static("", classes="level-chart--caption", id="level-caption")
        yield Sparkline([], id="level-sparkline")
        yield Static("", id="level-changes")

    def show(self, history: LevelHistory, today: date) -> None:
        levels = weekly_levels(history, today, self.weeks)
        lifts = [float(level.lifts) if level else 0.0 for level in levels]
        sparkline = self.sparkline
        sparkline.data = lifts if any(lifts) else []
        caption = self.caption
        changes = level_changes(history)
        if not changes:
            caption.update("Lifts per week: no bridge sessions yet.")
            self.changes_text.update("Start the bridge program to see your level here.")
            return
        top = max(level.lifts for _, level in changes)
        caption.update(f"Lifts per week, last {self.weeks} weeks (0 to {top})")
        lines = ["[b]Since       Lifts Count Hold[/b]"]
        shown = changes[-self.max_rows :]
        previous = None if len(shown) == len(changes) else changes[-self.max_rows - 1][1]
        for day, level in shown:
            note = describe_change(previous, level)
            lines.append(
                f"{day.isoformat()}  {level.lifts:>5} {level.count:>5} {level.hold:>4}  [dim]{escape(note)}[/dim]"
            )
            previous = level
        self.changes_text.update("\n".join(lines))
