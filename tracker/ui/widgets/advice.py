"""The progression advice with its reasons: the Today screen's 'why'."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.widgets import Static

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


class AdviceCard(Static):
    """Shows one `progression.Advice`: a heading, its message and a bullet per reason."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, classes="card")
        self.border_title = "Advice"

    def show(self, advice: Any | None) -> None:
        if advice is None:
            self.update("")
            return
        kind = str(getattr(advice.kind, "value", advice.kind))
        self.set_class(kind in CAUTIOUS, "-cautious")
        lines = [f"[b]{escape(HEADINGS.get(kind, kind.replace('_', ' ').capitalize()))}[/b]  {escape(advice.message)}"]
        lines += [f"  • {escape(reason)}" for reason in advice.reasons]
        self.update("\n".join(lines))
