"""Text made inert for a terminal: what came from a file never steers the screen it is printed on.

A routine file, a file name in the data folder or a synced link's target can
hold terminal controls: ESC sequences that set the window title (OSC 0),
clear the screen, draw fake links (OSC 8), or the one-byte C1 CSI (U+009B,
or the raw byte 0x9B in a file name that is not UTF-8). `inert` shows each C0
control (but newline and tab), DEL, each C1 control and each lone surrogate
(an undecodable byte) as its escape, \\u001b, \\u009b, \\udc9b: visible, and
the same character still in JSON (a JSON string reads \\u009b back as
U+009B), so `--json` stays exact.

The CLI's output (tracker.cli.common.Io, tracker.cli.plain) passes every
line through it; content validation (tracker.content.reader) refuses such
characters in routine text in the first place.
"""

from __future__ import annotations

import re

# C0 but tab (U+0009) and newline (U+000A), DEL, C1 (U+0080 to U+009F), and lone surrogates: a file name's
# bytes that are not UTF-8 arrive as U+DC80 to U+DCFF, which a terminal would get back as raw bytes (0x9B is CSI).
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def control_at(text: str) -> int | None:
    """The index of the first control character `inert` would show escaped, or None."""
    found = CONTROLS.search(text)
    return None if found is None else found.start()


def inert(text: str) -> str:
    """`text` with every terminal control shown as its \\uXXXX escape (newline and tab kept)."""
    if CONTROLS.search(text) is None:
        return text
    return CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


__all__ = ["CONTROLS", "control_at", "inert"]
