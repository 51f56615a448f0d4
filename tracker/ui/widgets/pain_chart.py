"""Pain scores as bars on a fixed 0-10 scale.

Textual's Sparkline stretches whatever it is given between its smallest and
largest value, so a week of 0s and 1s drew a 1 as a full-height spike. Pain
is a 0-10 score and must look like one: here a 1 is a tenth of the height.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

SCALE = 10
EIGHTHS = " ▁▂▃▄▅▆▇█"


def bar_columns(values: list[float], width: int) -> list[float]:
    """One value per column: each score gets an equal share of the width (the newest at the right)."""
    if not values or width <= 0:
        return []
    shown = values[-width:]
    each = max(1, width // len(shown))
    return [v for v in shown for _ in range(each)]


def cell(value: float, row_from_bottom: int, rows: int) -> str:
    """The block character for one cell of a bar of `value` (0-10) in a chart `rows` tall.

    Every recorded score keeps at least a thin line on the bottom row, so a 0 reads as
    "recorded, no pain" rather than as a missing session.
    """
    filled = max(0.0, min(float(SCALE), value)) / SCALE * rows * 8  # in eighths of a row
    eighths = int(round(filled - row_from_bottom * 8))
    if row_from_bottom == 0:
        eighths = max(1, eighths)
    return EIGHTHS[max(0, min(8, eighths))]


class PainChart(Widget):
    """Bars of pain scores, 0 at the bottom and 10 at the top, whatever the data."""

    DEFAULT_CSS = """
    PainChart {
        height: 4;
        width: 1fr;
        color: $warning;
    }
    """

    data: reactive[list[float]] = reactive(list, always_update=True)

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        columns = bar_columns(list(self.data), width)
        row_from_bottom = height - 1 - y
        style = self.rich_style
        text = "".join(cell(v, row_from_bottom, height) for v in columns)
        pad = Segment(" " * (width - len(text)), Style(bgcolor=style.bgcolor))
        return Strip([pad, Segment(text, style)], width)  # the newest score at the right edge
