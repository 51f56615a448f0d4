"""Markup whose bullet and numbered lines wrap under their text, not under the bullet (a hanging indent)."""

from __future__ import annotations

import re

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

# "  • text" and "  12. text": the marker and the spaces after it are the indent of the lines that follow.
MARKER = re.compile(r"^ *(?:[•·✓-]|\d+\.) +")
MIN_TEXT = 12  # narrower than this beside the marker, wrap the plain way


class Hanging:
    """Rich renderable: Rich markup, one item a line; wrapped lines of a bullet or numbered item hang under its text."""

    def __init__(self, markup: str) -> None:
        self.markup = markup
        self.text = Text.from_markup(markup)

    def __str__(self) -> str:
        return self.text.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        for line in self.text.split("\n", allow_blank=True):
            found = MARKER.match(line.plain)
            indent = found.end() if found else 0
            if not indent or width - indent < MIN_TEXT or line.cell_len <= width:
                yield line
                continue
            parts = line[indent:].wrap(console, width - indent)
            for number, part in enumerate(parts):
                head = line[:indent] if number == 0 else Text(" " * indent)
                yield Text.assemble(head, part)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((line.cell_len for line in self.text.split("\n", allow_blank=True)), default=0)
        return Measurement(min(longest, MIN_TEXT), longest).clamp(max_width=options.max_width)
