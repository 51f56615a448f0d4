"""The base of every Backroll screen: `self.app` is the BackrollApp, for readers and type checkers alike.

`self.app.service` is the core seam (tracker.service.Backroll): the only
way a screen reaches the history, the library or the advice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from ..app import BackrollApp

ResultT = TypeVar("ResultT")

__all__ = ["AppModal", "AppScreen"]


class AppScreen(Screen[ResultT]):
    """A full screen of the app."""

    if TYPE_CHECKING:
        app: BackrollApp


class AppModal(ModalScreen[ResultT]):
    """A dialog over a screen of the app."""

    if TYPE_CHECKING:
        app: BackrollApp
