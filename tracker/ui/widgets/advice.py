"""The progression advice with its reasons: the Today screen's 'why'."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

if TYPE_CHECKING:
    from tracker.service import Advice

# Kinds that ask the person to slow down; styled calmly but distinctly.
CAUTIOUS = frozenset({"step_back", "consult", "restart"})
HEADINGS = {
    "start": "Start gently",
    "stay": "Stay at this level",
    "add_lifts": "Add lifts",
    "hold_bridge": "Hold the bridge",
    "lengthen_counts": "Lengthen the counts",
    "step_back": "Step back",
    "consult": "Talk to a doctor or trainer",
    "restart": "Start again gently",
    "maintain": "Keep it up",
}


class AdviceCard(VerticalScroll):
    """Shows one `progression.Advice`: a heading, its message and a bullet per reason.

    The reasons are the point of the advice, so none is ever cut: where the card is given less room than its
    text (a short terminal, a phone's browser) it scrolls, with a scrollbar, and takes the focus (Tab) so the
    arrow and page keys reach every line.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="card advice-card")
        self.border_title = "Advice"
        self.plain = ""  # the advice as plain text, for tests and screen readers of the SVGs

    def compose(self) -> ComposeResult:
        yield Static("", classes="advice-text")

    def show(self, advice: Advice | None) -> None:
        text = self.query_one(".advice-text", Static)
        if advice is None:
            self.plain = ""
            text.update("")
            return
        kind = str(getattr(advice.kind, "value", advice.kind))
        self.set_class(kind in CAUTIOUS, "-cautious")
        heading = Text.assemble(
            (HEADINGS.get(kind, kind.replace("_", " ").capitalize()), "bold"), "  ", advice.message
        )
        reasons = Table.grid(padding=(0, 1))
        reasons.add_column(width=3, justify="right")
        reasons.add_column(ratio=1)
        for reason in advice.reasons:
            reasons.add_row("•", Text(str(reason)))
        self.plain = "\n".join([heading.plain, *(f"• {reason}" for reason in advice.reasons)])
        text.update(Group(heading, reasons))
        self.call_after_refresh(self._say_if_more)

    MORE = "more: Tab, then ↓"

    def on_resize(self) -> None:
        self.call_after_refresh(self._say_if_more)

    def _say_if_more(self) -> None:
        """Under a card with more text than room, say how to read the rest (the scrollbar alone is easy to miss)."""
        self.border_subtitle = self.MORE if self.max_scroll_y > 0 else ""
