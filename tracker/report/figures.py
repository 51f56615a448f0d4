"""Pose figures as SVG (strokes only, no script, no external file): one figure, or a contact sheet of many.

The geometry comes from tracker.figure; this module only draws it: the
bones as round-capped lines, the head as a circle, the far limbs of a side
view lighter and thinner (shape, not colour alone, tells them apart), and
the floor as a line under a figure that stands or lies on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from tracker.figure import Geometry, extent, keyframe_phases, pose_at
from tracker.model import Figure, Pose

__all__ = ["contact_sheet", "figure_group", "figure_svg"]

INK, FAR, FLOOR, MUTED = "#1d2733", "#8a96a3", "#b9b2a6", "#555"


def figure_group(
    fig: Figure,
    phase: float,
    box: tuple[float, float, float, float],
    *,
    mirror: bool = False,
    scale: float | None = None,
) -> str:
    """A <g> of the figure at `phase`, fitted into box = (x, y, width, height) in the SVG's units.

    `scale` (units per standing height) draws several figures at one size; by default the figure fills the box.
    """
    x0, y0, x1, y1 = extent(fig, mirror)
    bx, by, bw, bh = box
    span_x, span_y = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
    scale = min(bw / span_x, bh / span_y, scale or float("inf"))
    ox = bx + (bw - span_x * scale) / 2 - x0 * scale
    oy = by + bh - (bh - span_y * scale) / 2 + y0 * scale

    def at(x: float, y: float) -> str:
        return f"{ox + x * scale:.1f},{oy - y * scale:.1f}"

    geometry: Geometry = pose_at(fig, phase, mirror)
    width = max(1.2, min(0.028 * scale, 5.0))
    parts = []
    if fig.floor:
        fy = oy
        parts.append(
            f'<line x1="{bx:.1f}" y1="{fy:.1f}" x2="{bx + bw:.1f}" y2="{fy:.1f}" stroke="{FLOOR}" '
            f'stroke-width="{max(1.0, width * 0.5):.1f}"/>'
        )
    for far in (True, False):
        for s in geometry.segments:
            if s.far is not far or s.b == "head":
                continue
            a, b = at(s.x1, s.y1).split(","), at(s.x2, s.y2).split(",")
            colour, w = (FAR, width * 0.7) if far else (INK, width)
            parts.append(
                f'<line x1="{a[0]}" y1="{a[1]}" x2="{b[0]}" y2="{b[1]}" stroke="{colour}" '
                f'stroke-width="{w:.1f}" stroke-linecap="round"/>'
            )
    hx, hy, r = geometry.head
    cx, cy = at(hx, hy).split(",")
    parts.append(
        f'<circle cx="{cx}" cy="{cy}" r="{r * scale:.1f}" fill="#fff" stroke="{INK}" stroke-width="{width * 0.8:.1f}"/>'
    )
    return '<g class="figure">' + "".join(parts) + "</g>"


def figure_svg(
    pose: Pose, phase: float = 1.0, *, width: int = 220, height: int = 160, mirror: bool = False
) -> str:
    """One pose's figure at `phase` (default: its end keyframe) as a standalone <svg>."""
    label = f"Figure: {pose.name}"
    body = (
        figure_group(pose.figure, phase, (6, 6, width - 12, height - 12), mirror=mirror)
        if pose.figure
        else ""
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label)}" class="pose-figure"><title>{escape(label)}</title>{body}</svg>'
    )


def contact_sheet(poses: Sequence[Pose], *, columns: int = 4, cell: tuple[int, int] = (150, 110)) -> str:
    """Every pose with each of its keyframes side by side, named, in a grid (README's screenshots/poses.svg)."""
    cw, ch = cell
    block_w = 2 * cw + 16  # room for two keyframes; poses with more wrap inside their block
    rows: list[str] = []
    x = y = 0
    label_h, pad = 34, 12
    cells = []
    for i, pose in enumerate(poses):
        fig = pose.figure
        if fig is None:
            continue
        frames = keyframe_phases(fig)
        col, row = i % columns, i // columns
        x, y = col * (block_w + pad) + pad, row * (ch + label_h + pad) + pad
        parts = [
            f'<rect x="{x}" y="{y}" width="{block_w}" height="{ch + label_h}" rx="6" fill="#fbfaf7" stroke="#e2ddd3"/>'
        ]
        title = pose.name + (" (left side)" if pose.sided else "")
        parts.append(
            f'<text x="{x + 8}" y="{y + 15}" font-size="12" font-weight="bold" fill="{INK}">{escape(title)}</text>'
        )
        each = block_w / max(2, len(frames))
        left = x + (block_w - each * len(frames)) / 2
        for k, (name, phase) in enumerate(frames):
            box = (left + k * each + 4, y + 20, each - 8, ch - 6)
            parts.append(figure_group(fig, phase, box, scale=ch - 18.0))
            tx = left + k * each + each / 2
            view = "" if fig.floor else " (from above)"
            parts.append(
                f'<text x="{tx:.1f}" y="{y + ch + label_h - 8}" font-size="10" text-anchor="middle" fill="{MUTED}">'
                f"{escape(name + view)}</text>"
            )
        cells.append("".join(parts))
        rows.append(pose.id)
    count = len(cells)
    nrows = (count + columns - 1) // columns
    total_w = columns * (block_w + pad) + pad
    total_h = nrows * (ch + label_h + pad) + pad
    label = f"Contact sheet: the {count} pose figures, each keyframe from start to end"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_w} {total_h}" width="{total_w}" height="{total_h}" '
        f'role="img" aria-label="{escape(label)}" font-family="sans-serif"><title>{escape(label)}</title>'
        f'<rect width="{total_w}" height="{total_h}" fill="#fff"/>' + "".join(cells) + "</svg>"
    )
