"""The clock-jump rule: the runner's "effective" time never runs backwards and skips suspends.

* the clock going backwards is ignored: no progress, nothing rewinds;
* while running or observing, a gap between two reads larger than
  `SUSPEND_GAP` is a suspend: only `SUSPEND_CREDIT` of it counts as
  progress, the rest is counted as suspended (excluded from active time).
"""

from __future__ import annotations

import math

from tracker.runner.records import SUSPEND_CREDIT, SUSPEND_GAP, Clock

_EPS = 1e-9


class EffectiveClock:
    """Reads the injected clock and applies the jump rule."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.skew = 0.0  # effective time = clock() + skew
        self.last_raw: float | None = None
        self.now = 0.0  # effective time at the last read
        self.suspended = 0.0  # seconds taken for suspends

    def read(self, progressing: bool) -> float:
        """Read the clock; `progressing`: a long gap now is a suspend. Returns the effective time."""
        raw = float(self.clock())
        if self.last_raw is not None:
            gap = raw - self.last_raw
            if gap < 0:
                self.skew -= gap  # backwards: no progress, nothing rewinds
            elif gap > SUSPEND_GAP and progressing:
                lost = gap - SUSPEND_CREDIT
                self.skew -= lost
                self.suspended += lost
        self.last_raw = raw
        self.now = raw + self.skew
        return self.now

    def raw(self, effective: float) -> float:
        """The clock time of an effective time."""
        return effective - self.skew


def next_up(x: float) -> float:
    """Seconds until floor(x) changes as x grows at 1 s/s."""
    return math.floor(x + _EPS) + 1 - x


def next_down(x: float) -> float:
    """Seconds until ceil(x) changes as x shrinks at 1 s/s."""
    if x <= 0:
        return math.inf
    step = x - (math.ceil(x - _EPS) - 1)
    return step if step > _EPS else 1.0
