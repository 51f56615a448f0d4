"""A figure's frame as braille cells (2 x 4 dots a cell): for the terminal widget and `backroll poses ID`.

No Textual here: runs of (text, layer) per row, the layer telling the near
body, the far limbs (dotted) and the floor (a sparse dotted line) apart, so a
renderer may colour them and the drawing still reads without colour.
"""

from __future__ import annotations

import math
from functools import lru_cache

from tracker.figure import Frame

BRAILLE = 0x2800
DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [row][column] within a cell
BLANK, FLOOR, FAR, NEAR = 0, 1, 2, 3
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


def plain_lines(frame: Frame, columns: int, rows: int) -> list[str]:
    """The drawing as plain text lines (no colour), trailing blanks trimmed."""
    return ["".join(text for text, _ in row).rstrip() for row in raster(frame, columns, rows)]
