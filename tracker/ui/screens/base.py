"""The base of every Backroll screen: `self.backroll` is the app's Backroll side (tracker.ui.protocol.AppLike).

`self.backroll.service` is the core seam (tracker.service.Backroll): the only
way a screen reaches the history, the library or the advice. Textual's own
members (`push_screen`, `notify`, ...) stay on `self.app`.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen, Screen
from textual.widgets import Header

from ..protocol import AppLike, backroll_of

ResultT = TypeVar("ResultT")

__all__ = ["AppModal", "AppScreen", "header"]

# The header's icon (a click opens the palette). Textual's own, U+2B58, is an empty box in most browser and
# SVG fonts (the README's pictures, `backroll serve` on a phone): plain ASCII shows the same everywhere.
HEADER_ICON = "="


def header() -> Header:
    """Every view's header."""
    return Header(icon=HEADER_ICON)


class AppScreen(Screen[ResultT]):
    """A full screen of the app."""

    @property
    def backroll(self) -> AppLike:
        return backroll_of(self.app)


class AppModal(ModalScreen[ResultT]):
    """A dialog over a screen of the app."""

    @property
    def backroll(self) -> AppLike:
        return backroll_of(self.app)
