"""The runner's centrepiece: the phase in words over the count in big digits."""

from __future__ import annotations

import math

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
        word = PHASE_WORDS.get(phase or "", (phase or "").upper())
        self.phase_word.update(f"{word} · PAUSED" if paused and word else ("PAUSED" if paused else word))
        self.set_class(paused, "-paused")
        for name in PHASE_WORDS:
            self.set_class(phase == name, f"-{name}")
        digits = self.digits
        digits.update(count)
        digits.display = bool(count)  # observing: no number, no blank block
        self.set_class(not count, "-no-count")  # then the question takes the room
        self.unit_label.update(unit)
