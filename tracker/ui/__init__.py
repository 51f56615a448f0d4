"""The Textual front end. `make_app(service)` builds the app; the CLI and the tests share it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .app import BackrollApp, make_app

__all__ = ["BackrollApp", "make_app"]


def __getattr__(name: str) -> object:
    # Lazy, so `import tracker.ui` stays cheap for the CLI's non-UI commands.
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(name)
