"""A pose's figure in the terminal: braille dots (2 x 4 a cell), sized from the widget's space.

The geometry comes from the service (a tracker.service.Frame); this only
rasterises it. Near bones are solid lines in the theme's text colour; the far
limbs of a side view are dotted and muted and the floor a sparse dotted line,
so the drawing reads without colour. A drawing is cached per frame and size:
the runner's figure changes once a count at most, and redraws only then.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

if TYPE_CHECKING:
    from tracker.service import Frame

BRAILLE = 0x2800
DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [row][column] within a cell
BLANK, FLOOR, FAR, NEAR = 0, 1, 2, 3
LAYER_CLASSES = {FLOOR: "figure--floor", FAR: "figure--far", NEAR: "figure--near"}
Row = tuple[tuple[str, int], ...]  # runs of (text, layer)


@lru_cache(maxsize=512)
def raster(frame: Frame, columns: int, rows: int) -> tuple[Row, ...]:
    """The frame drawn in columns x rows braille cells (square dots: a cell is about twice as tall as wide)."""
    if columns < 2 or rows < 1:
        return ()
    width, height = columns * 2, rows * 4
    x0, y0, x1, y1 = frame.box
    pad = 0.02
    x0, x1, y1 = x0 - pad, x1 + pad, y1 + pad
    span_x, span_y = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
    tall = height - (3 if frame.floor else 1)  # the floor takes the bottom dot row, one row below the body
    scale = min((width - 1) / span_x, tall / span_y)
    ox = (width - 1 - span_x * scale) / 2 - x0 * scale
    oy = tall - (tall - span_y * scale) / 2 + y0 * scale if not frame.floor else tall + y0 * scale
    layers: dict[tuple[int, int], int] = {}

    def dot(x: float, y: float, layer: int) -> None:
        cell = (int(round(x)), int(round(y)))
        if 0 <= cell[0] < width and 0 <= cell[1] < height and layers.get(cell, BLANK) < layer:
            layers[cell] = layer

    def line(ax: float, ay: float, bx: float, by: float, layer: int, every: int = 1) -> None:
        steps = max(1, int(math.ceil(max(abs(bx - ax), abs(by - ay)))))
        for i in range(steps + 1):
            if i % every == 0 or i == steps:
                t = i / steps
                dot(ax + (bx - ax) * t, ay + (by - ay) * t, layer)

    def at(x: float, y: float) -> tuple[float, float]:
        return ox + x * scale, oy - y * scale

    if frame.floor:
        line(0, oy + 2, width - 1, oy + 2, FLOOR, every=3)
    for far in (True, False):
        for s in frame.geometry.segments:
            if s.far is far and s.b != "head":
                line(*at(s.x1, s.y1), *at(s.x2, s.y2), FAR if far else NEAR, every=2 if far else 1)
    hx, hy, r = frame.geometry.head
    cx, cy = at(hx, hy)
    radius = max(1.0, r * scale)
    for k in range(max(8, int(radius * 8))):
        angle = 2 * math.pi * k / max(8, int(radius * 8))
        dot(cx + radius * math.cos(angle), cy + radius * math.sin(angle), NEAR)
    out: list[Row] = []
    for row in range(rows):
        runs: list[tuple[str, int]] = []
        for column in range(columns):
            bits, layer = 0, BLANK
            for dy in range(4):
                for dx in range(2):
                    found = layers.get((column * 2 + dx, row * 4 + dy), BLANK)
                    if found:
                        bits |= DOTS[dy][dx]
                        layer = max(layer, found)
            char = chr(BRAILLE + bits) if bits else " "
            if runs and runs[-1][1] == layer:
                runs[-1] = (runs[-1][0] + char, layer)
            else:
                runs.append((char, layer))
        out.append(tuple(runs))
    return tuple(out)


def to_text(rows: Sequence[Row], styles: dict[int, Style]) -> Text:
    text = Text(no_wrap=True, overflow="crop", end="")
    for i, row in enumerate(rows):
        if i:
            text.append("\n")
        for chars, layer in row:
            text.append(chars, styles.get(layer))
    return text


def layer_styles(widget: Widget) -> dict[int, Style]:
    """The theme's style of each layer, from the widget's component classes."""
    return {layer: widget.get_component_rich_style(name) for layer, name in LAYER_CLASSES.items()}


class FigureView(Widget):
    """One pose's figure, as large as its box allows; `show(frame)` redraws only when the frame changed."""

    COMPONENT_CLASSES = {"figure--near", "figure--far", "figure--floor"}
    DEFAULT_CSS = """
    FigureView { width: 1fr; height: 1fr; min-height: 3; }
    FigureView > .figure--near { color: $foreground; text-style: bold; }
    FigureView > .figure--far { color: $text-muted; }
    FigureView > .figure--floor { color: $text-disabled; }
    """

    def __init__(self, frame: Frame | None = None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.frame = frame

    def show(self, frame: Frame | None) -> None:
        if frame == self.frame:
            return
        self.frame = frame
        self.refresh()

    def render(self) -> Text:
        if self.frame is None:
            return Text("")
        return to_text(raster(self.frame, self.size.width, self.size.height), layer_styles(self))


class FigureStrip(Widget):
    """Several poses' figures in a row (wrapping), each named under it: the before-you-start card's poses."""

    COMPONENT_CLASSES = {"figure--near", "figure--far", "figure--floor", "figure--name"}
    DEFAULT_CSS = """
    FigureStrip { width: 100%; height: auto; }
    FigureStrip > .figure--near { color: $foreground; text-style: bold; }
    FigureStrip > .figure--far { color: $text-muted; }
    FigureStrip > .figure--floor { color: $text-disabled; }
    FigureStrip > .figure--name { color: $text-muted; }
    """
    CELL = (16, 4)  # columns and rows of one figure (plus a line for its name)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.items: tuple[tuple[str, Frame], ...] = ()

    def show(self, items: Sequence[tuple[str, Frame]]) -> None:
        items = tuple(items)
        if items != self.items:
            self.items = items
            self.refresh(layout=True)

    def _per_row(self, width: int) -> int:
        return max(1, (width + 1) // (self.CELL[0] + 1))

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        if not self.items:
            return 0
        lines = -(-len(self.items) // self._per_row(width))
        return lines * (self.CELL[1] + 1)

    def render(self) -> Text:
        columns, rows = self.CELL
        styles = layer_styles(self)
        name_style = self.get_component_rich_style("figure--name")
        per_row = self._per_row(self.size.width or columns)
        text = Text(no_wrap=True, overflow="crop", end="")
        for start in range(0, len(self.items), per_row):
            chunk = self.items[start : start + per_row]
            drawn = [raster(frame, columns, rows) for _, frame in chunk]
            for r in range(rows):
                if start or r:
                    text.append("\n")
                for k, picture in enumerate(drawn):
                    if k:
                        text.append(" ")
                    for chars, layer in picture[r]:
                        text.append(chars, styles.get(layer))
            text.append("\n")
            for k, (name, _) in enumerate(chunk):
                if k:
                    text.append(" ")
                label = name if len(name) <= columns else name[: columns - 1] + "…"
                text.append(label.center(columns), name_style)
        return text
