"""UI fixtures: a real service on a real store in a temp home, a fixed `now`, and a fake monotonic clock.

Textual has no fake clock (and freezegun hangs asyncio), so time is
injected: the service gets `now`, the app gets `clock`; a test advances
the clock and then asks the session screen to redraw.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support import FakeClock
from tests.support import settle as _settle

ZONE = "Europe/Paris"
NOW = datetime(2025, 3, 12, 7, 30, tzinfo=ZoneInfo(ZONE))


@pytest.fixture(autouse=True)
def _no_user_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Never the user's data, never their colour preference.
    monkeypatch.setenv("BACKROLL_HOME", str(tmp_path / "env-home"))
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def now() -> datetime:
    """The fixed instant every service in these tests lives at."""
    return NOW


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _open_service(home: Path, now: datetime = NOW, **kwargs):
    from tracker.service import Backroll

    return Backroll(home, now=lambda: now, zone=ZONE, **kwargs)


@pytest.fixture
def open_service() -> Callable:
    """`open_service(home, now=NOW, **kwargs)`: another service, e.g. after a restart."""
    return _open_service


@pytest.fixture
def fresh_service(home: Path) -> Iterator:
    """A first launch: the safety note has not been seen."""
    service = _open_service(home)
    yield service
    service.close()


@pytest.fixture
def service(fresh_service):
    """A returning user: the safety note was seen on an earlier day."""
    fresh_service.save_settings(replace(fresh_service.settings, safety_note_seen=True, sound=False))
    return fresh_service


@pytest.fixture
def make(clock: FakeClock) -> Callable:
    from tracker.ui.app import make_app

    def build(service, **kwargs):
        kwargs.setdefault("voice_program", "")  # no synthesiser unless a test asks for one
        kwargs.setdefault("audio_player", "")  # no audio player: the terminal bell pattern
        return make_app(service, clock=clock, cursor_blink=False, **kwargs)

    return build


@pytest.fixture
def settle() -> Callable:
    """`await settle(pilot)`: let workers finish and the screens catch up."""
    return _settle
