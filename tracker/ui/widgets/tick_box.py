"""A checkbox whose state reads without colour: `[x]` ticked, `[ ]` not, and the tick in the success colour."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox

TICKED = "[x]"
UNTICKED = "[ ]"


class TickBox(Checkbox):
    """Textual's Checkbox draws the same `X` either way (only its colour changes); this one draws `[x]` or `[ ]`."""

    DEFAULT_CSS = """
    TickBox > .toggle--button { color: $text-muted; background: transparent; }
    TickBox.-on > .toggle--button { color: $text-success; background: transparent; text-style: bold; }
    TickBox.-on > .toggle--label { color: $text; text-style: bold; }
    """

    @property
    def _button(self) -> Content:
        mark = Content.styled(TICKED if self.value else UNTICKED, self.get_visual_style("toggle--button"))
        return Content.assemble(mark, " ")
