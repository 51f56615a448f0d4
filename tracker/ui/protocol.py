"""What the screens, dialogs, commands and the resume flow may ask of the app: `AppLike`.

They name this protocol, never `tracker.ui.app`: the app imports its screens, and
nothing imports the app but the entry points, so tracker/ui has no import circle.
The protocol lists only Backroll's own members; Textual's (`push_screen`,
`notify`, ...) stay on `self.app`. `backroll_of` is the one place the app is seen
as an `AppLike`; tracker/ui/app.py checks that `BackrollApp` satisfies it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from datetime import datetime

    from textual.app import App

    from tracker.model import Prescription, Routine
    from tracker.service import Backroll, CheckpointFile, Runner

    from .sound import CuePlayer

__all__ = ["AppLike", "ReturnT", "backroll_of"]

ReturnT = TypeVar("ReturnT")  # what an app returns on exit: Textual's App is invariant in it


class AppLike(Protocol):
    """Backroll's side of the app, as the rest of tracker/ui uses it."""

    VIEWS: tuple[tuple[str, str], ...]  # (mode, title) of each view, in key order

    @property
    def service(self) -> Backroll: ...  # the core seam: the only way to the history, the library, the advice

    clock: Callable[[], float]
    cursor_blink: bool

    @property
    def cue_player(self) -> CuePlayer: ...

    @property
    def in_session(self) -> bool: ...

    def data_loaded(self) -> None: ...

    def show_error(self, error: BaseException) -> None: ...

    def refresh_views(self) -> None: ...

    def start_routine(self, routine_id: str) -> None: ...

    def resume_session(
        self,
        routine: Routine,
        runner: Runner,
        started_at: datetime,
        *,
        session_id: str,
        checkpoint: CheckpointFile,
        zone: str | None,
        prescription: Prescription | None,
        pain_before: int | None,
    ) -> None: ...

    def offer_done(self) -> None: ...

    # The app's actions, as the palette and the screens run them (worker actions return their worker).
    def action_view(self, mode: str) -> None: ...

    def action_help(self) -> None: ...

    async def action_quit(self) -> None: ...

    def action_safety_note(self) -> None: ...

    def action_toggle_sound(self) -> None: ...

    def action_toggle_flash(self) -> None: ...

    def action_toggle_voice(self) -> None: ...

    def action_export(self) -> object: ...

    def action_report(self, fmt: str = "html") -> object: ...


def backroll_of(app: App[ReturnT]) -> AppLike:
    """The running app as Backroll's app (it is always a BackrollApp; app.py checks it satisfies AppLike)."""
    return cast("AppLike", app)
