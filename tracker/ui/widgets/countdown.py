"""The runner's centrepiece: the phase in words over the count in big digits."""

from __future__ import annotations

import math

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from .bignum import BigNumber

PHASE_WORDS = {
    "raise": "RAISE",
    "lower": "LOWER",
    "hold": "HOLD",
    "breathe": "BREATHE",
    "flow": "FLOW",
    "rest": "REST",
    "observe": "NOTICE",
}


def clock_text(seconds: float, *, always_minutes: bool = False) -> str:
    """Whole seconds left, rounded up, as S or M:SS (always M:SS with `always_minutes`); 0.2 s left still shows 1."""
    whole = max(0, math.ceil(seconds - 1e-9))
    if whole < 60 and not always_minutes:
        return str(whole)
    return f"{whole // 60}:{whole % 60:02d}"


class PhaseCount(Vertical):
    """Phase word over the count, which grows with the terminal: readable two metres away."""

    @property
    def phase_word(self) -> Label:
        return self.query_one("#phase-word", Label)

    @property
    def digits(self) -> BigNumber:
        """The count in big digits."""
        return self.query_one("#count", BigNumber)

    @property
    def unit_label(self) -> Label:
        return self.query_one("#count-unit", Label)

    def compose(self) -> ComposeResult:
        yield Label("", id="phase-word")
        yield BigNumber("", id="count")
        yield Label("", id="count-unit")

    def show(self, phase: str | None, count: str, unit: str = "", *, paused: bool = False) -> None:
        """Show the phase, the count and its unit; only what changed is touched.

        A phase change happens every few seconds in a session: the labels that kept their text are
        not updated, a one-line label whose new text still fits its width is repainted without a
        layout pass, and the classes change in one batch (one restyle of this subtree, not one a class).
        """
        word = PHASE_WORDS.get(phase or "", (phase or "").upper())
        shown = f"{word} · PAUSED" if paused and word else ("PAUSED" if paused else word)
        self._set_line(self.phase_word, shown)
        classes = {f"-{name}": phase == name for name in PHASE_WORDS}
        classes["-paused"] = paused
        classes["-no-count"] = not count  # then the question takes the room
        self.update_classes(classes)
        digits = self.digits
        digits.update(count)
        digits.display = bool(count)  # observing: no number, no blank block
        self._set_line(self.unit_label, unit)

    @staticmethod
    def _set_line(label: Label, text: str) -> None:
        """Update a full-width, one-line label; lay out again only when its height could change."""
        old = str(label.content)
        if old == text:
            return
        width = label.size.width
        label.update(text, layout=not (width and cell_len(old) <= width and cell_len(text) <= width))
