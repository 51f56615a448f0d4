"""A pose's figure in the terminal: braille dots (2 x 4 a cell), sized from the widget's space.

The geometry comes from the service (a tracker.service.Frame); this only
rasterises it. Near bones are solid lines in the theme's text colour; the far
limbs of a side view are dotted and muted and the floor a sparse dotted line,
so the drawing reads without colour. A drawing is cached per frame and size:
the runner's figure changes once a count at most, and redraws only then; the
last few dozen drawings are kept, so the second and later reps of a move
reuse the first rep's drawings instead of rasterising them again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from tracker.service import FAR, FLOOR, NEAR, raster

if TYPE_CHECKING:
    from tracker.service import Frame

Row = tuple[tuple[str, int], ...]  # runs of (text, layer)
LAYER_CLASSES = {FLOOR: "figure--floor", FAR: "figure--far", NEAR: "figure--near"}
KEPT_DRAWINGS = 64  # a move's frames (one a count, PHASE_STEPS at most) over its reps, for one size and theme


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

    def __init__(
        self, frame: Frame | None = None, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.frame = frame
        # (frame, size, theme) -> one Strip a row; the last KEPT_DRAWINGS of them
        self._drawings: OrderedDict[object, list[Strip]] = OrderedDict()
        self._strips: list[Strip] | None = None  # the drawing of the render under way

    def show(self, frame: Frame | None) -> None:
        if frame == self.frame:
            return
        self.frame = frame
        self.refresh()

    def render(self) -> Text:
        """The drawing as Text (for tests and a plain export); the screen draws it line by line."""
        if self.frame is None:
            return Text("")
        return to_text(raster(self.frame, self.size.width, self.size.height), layer_styles(self))

    def render_lines(self, crop: Region) -> list[Strip]:
        # The drawing is looked up once a render, not once a line (its key needs the widget's style).
        self._strips = self._drawing()
        try:
            return super().render_lines(crop)
        finally:
            self._strips = None

    def render_line(self, y: int) -> Strip:
        """One row of the drawing: Strips built once per frame, size and theme, then reused."""
        strips = self._strips if self._strips is not None else self._drawing()
        return strips[y] if y < len(strips) else Strip.blank(self.size.width, self.rich_style)

    def _drawing(self) -> list[Strip]:
        width, height = self.size
        base = self.rich_style
        key = (
            self.frame,
            width,
            height,
            base,
            self.app.theme,
            self.app.ansi_color,
        )  # the flash changes the background
        drawings = self._drawings
        strips = drawings.get(key)
        if strips is not None:
            drawings.move_to_end(key)
            return strips
        styles = layer_styles(self)
        rows = raster(self.frame, width, height) if self.frame is not None else ()
        strips = [
            Strip(
                [Segment(chars, base + styles[layer] if layer in styles else base) for chars, layer in row]
            ).adjust_cell_length(width, base)
            for row in rows
        ]
        drawings[key] = strips
        if len(drawings) > KEPT_DRAWINGS:
            drawings.popitem(last=False)
        return strips


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
