"""What several test folders share: one fake clock, one settle helper, one way to open a view.

Importable as `tests.support` (pytest's `pythonpath = ["."]` in pyproject.toml).
"""

from __future__ import annotations

from datetime import date, datetime, time
from time import monotonic
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from tracker.model import CheckIn, Felt, Prescription, Session, Stability

T = TypeVar("T")


class FakeClock:
    """Monotonic seconds that move only when the test says so (Textual has no fake clock of its own)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now

    def set(self, moment: float) -> float:
        self.now = moment
        return moment

    @property
    def t(self) -> float:  # the runner tests' name for `now`
        return self.now


async def settle(pilot: Any) -> None:
    """Let workers finish and the screens catch up."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


VIEW_KEYS = {"today": "1", "history": "2", "progress": "3", "library": "4", "settings": "5"}


async def palette_found(pilot: Any, seconds: float = 5.0) -> None:
    """After typing into the command palette: wait until its search has highlighted a command (it searches in a
    worker; a fixed pause can be too short on a loaded machine, and Enter would then choose nothing)."""
    from textual.command import CommandList

    deadline = monotonic() + seconds
    await pilot.pause(0.3)
    while monotonic() < deadline:
        found = pilot.app.screen.query(CommandList)
        if found and found.first().highlighted is not None:
            return
        await pilot.pause(0.05)


async def put_back_card_away(pilot: Any) -> None:
    """Esc on Today's "How is your back today?" card when it is up (it takes the digits while shown)."""
    from tracker.ui.widgets.back_today import BackTodayCard

    cards = pilot.app.screen.query(BackTodayCard)
    if cards and cards.first().display:
        await pilot.press("escape")
        await settle(pilot)


async def open_view(app: Any, pilot: Any, view: str, screen_type: type[T]) -> T:
    """Press the view's key (1-5) once the app has loaded, and return its screen.

    On Today, the "How is your back today?" card (shown the day after a bridge session) takes the digits:
    it is put away first (Esc), as a person would before switching views.
    """
    await settle(pilot)
    await put_back_card_away(pilot)
    await pilot.press(VIEW_KEYS[view])
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, screen_type), (view, screen)
    return screen


def practice_session(
    day: date,
    level: Prescription | None = Prescription(2, 4, 0),
    *,
    pain_before: int | None = None,
    pain_after: int | None = None,
    stable: Stability | None = None,
    felt: Felt | None = None,
    hurt: bool = False,
    hour: int = 8,
    routine: str = "bridge",
    zone: str = "Europe/Paris",
) -> Session:
    """One session started at ``hour`` local time on ``day`` in ``zone``; the prescription only for the bridge."""
    return Session(
        id=Session.new_id(),
        routine=routine,
        started_at=datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone)),
        zone=zone,
        local_date=day,
        hurt=hurt,
        checkin=CheckIn(pain_before=pain_before, pain_after=pain_after, stable=stable, felt=felt),
        prescription=level if routine == "bridge" else None,
    )


async def answer_pain_before(pilot: Any, pain: int | None = None) -> None:
    """The question before the first count: type `pain` (0-10), or skip it with Enter when None."""
    from tracker.ui.dialogs.pain_before import PainBeforeScreen

    assert isinstance(pilot.app.screen, PainBeforeScreen), pilot.app.screen
    await pilot.press(*(list(str(pain)) if pain is not None else ["enter"]))
    if pain == 1:
        await pilot.press("enter")  # "1" alone waits for a possible "0"
    await settle(pilot)


async def start_session(pilot: Any, key: str = "s", *, pain: int | None = None) -> Any:
    """From Today (or a resume offer): press `key`, answer (or skip) the pain before a new session asks,
    and return the session screen once it runs. A resumed session does not ask."""
    from tracker.ui.dialogs.pain_before import PainBeforeScreen
    from tracker.ui.screens.session import SessionScreen

    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    if isinstance(pilot.app.screen, PainBeforeScreen):
        await answer_pain_before(pilot, pain)
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen), screen
    return screen


async def tick(pilot: Any, clock: FakeClock, seconds: float) -> None:
    """Move the fake clock and let the session screen redraw from it."""
    clock.advance(seconds)
    pilot.app.screen.refresh_view()
    await pilot.pause()
