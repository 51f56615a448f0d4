"""The base of every Backroll screen: `self.app` is the BackrollApp, for readers and type checkers alike.

`self.app.service` is the core seam (tracker.service.Backroll): the only
way a screen reaches the history, the library or the advice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import ModalScreen, Screen
from textual.widgets import Header

if TYPE_CHECKING:
    from ..app import BackrollApp

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

    if TYPE_CHECKING:
        app: BackrollApp


class AppModal(ModalScreen[ResultT]):
    """A dialog over a screen of the app."""

    if TYPE_CHECKING:
        app: BackrollApp
