"""A number drawn as large as its box allows: the count, read from a mat two metres away.

Textual's Digits is three rows tall whatever the terminal; a person lying on
the floor needs more. Each glyph is a 3x5 bitmap whose pixels are scaled up
to fill the widget, drawn with half blocks so a pixel is roughly square
(a terminal cell is about twice as tall as it is wide).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

GLYPHS: dict[str, tuple[str, ...]] = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", ".##", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", ".#.", ".#.", ".#."),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    ":": (".", "#", ".", "#", "."),
    " ": ("...",),
}
GLYPH_ROWS = 5
HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def bitmap(text: str) -> list[str]:
    """The text as rows of '#' and '.', one pixel a character, one blank column between glyphs."""
    glyphs = [GLYPHS.get(ch, GLYPHS[" "]) for ch in text]
    rows = []
    for y in range(GLYPH_ROWS):
        rows.append(".".join(g[y] if len(g) > 1 else g[0] for g in glyphs))
    return rows


def best_scale(text: str, width: int, height: int) -> int:
    """The largest whole pixel size at which `text` fits in width x height cells (at least 1)."""
    if not text:
        return 1
    columns = len(bitmap(text)[0])
    by_width = width // columns
    by_height = (2 * height) // GLYPH_ROWS  # two pixel rows per cell row
    return max(1, min(by_width, by_height))


def render_rows(text: str, scale: int) -> list[str]:
    """The text drawn with half blocks at `scale` cells (and half-rows) per pixel."""
    if not text:
        return []
    pixels = bitmap(text)
    wide = ["".join(ch * scale for ch in row) for row in pixels]
    tall = [row for row in wide for _ in range(scale)]
    if len(tall) % 2:
        tall.append("." * len(tall[0]))
    lines = []
    for top, bottom in zip(tall[0::2], tall[1::2]):
        lines.append("".join(HALF_BLOCKS[(a == "#", b == "#")] for a, b in zip(top, bottom)))
    return lines


class BigNumber(Widget):
    """A number scaled to fill its box, centred; `update(text)` like Digits."""

    DEFAULT_CSS = """
    BigNumber {
        width: 1fr;
        height: 1fr;
        min-height: 3;
    }
    """

    value: reactive[str] = reactive("", layout=False)

    def __init__(
        self, value: str = "", *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.value = value
        self._cache: tuple[str, int, int, list[str]] | None = None
        self._style: Style | None = None  # this widget's style, worked out once a render (not once a line)

    def update(self, value: str) -> None:
        self.value = value

    def _lines(self) -> list[str]:
        width, height = self.size
        cached = self._cache
        if cached is not None and cached[:3] == (self.value, width, height):
            return cached[3]
        lines = render_rows(self.value, best_scale(self.value, width, height))
        self._cache = (self.value, width, height, lines)
        return lines

    def render_lines(self, crop: Region) -> list[Strip]:
        # rich_style walks every ancestor's styles; the count redraws ~10 lines a second with one style.
        self._style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._style = None

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        lines = self._lines()
        top = max(0, (height - len(lines)) // 2)
        style = self._style if self._style is not None else self.rich_style
        if not top <= y < top + len(lines):
            return Strip.blank(width, style)
        line = lines[y - top][:width]
        left = max(0, (width - len(line)) // 2)
        right = max(0, width - left - len(line))
        return Strip([Segment(" " * left, style), Segment(line, style), Segment(" " * right, style)], width)

    @property
    def text_rows(self) -> list[str]:
        """What the widget shows now (for tests and screen readers' sake)."""
        return self._lines()
