"""A figure next to its baseline, and the one table they print as."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Figure:
    name: str
    value: float
    unit: str  # "ms", "s", "%", "MB"
    baseline: float | None
    baseline_label: str
    target: str  # human text, e.g. "<= 1.3x"
    met: bool | None  # None: no target for this row
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline

    def value_text(self) -> str:
        return _fmt(self.value, self.unit)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "baseline": self.baseline,
            "baseline_label": self.baseline_label,
            "ratio": self.ratio,
            "target": self.target,
            "met": self.met,
            "note": self.note,
        }


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "%":
        return f"{value:.2f} %"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}"
    if abs(value) >= 10:
        return f"{value:.1f} {unit}"
    return f"{value:.2f} {unit}"


def render(figures: list[Figure]) -> str:
    headers = ("figure", "ours", "baseline", "ratio", "target", "met")
    rows = []
    for f in figures:
        ratio = "-" if f.ratio is None else f"{f.ratio:.2f}x"
        baseline = (
            f"{_fmt(f.baseline, f.unit)} ({f.baseline_label})" if f.baseline is not None else f.baseline_label
        )
        met = {True: "yes", False: "NO", None: "-"}[f.met]
        rows.append((f.name, f.value_text(), baseline, ratio, f.target, met))
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(headers, widths))]
    lines.append("-+-".join("-" * w for w in widths))
    for row in rows:
        lines.append(" | ".join(c.ljust(w) for c, w in zip(row, widths)))
    return "\n".join(lines)
