"""The practice report from the app: Progress's `p` key and the palette write it through the service (issue 17)."""

from __future__ import annotations

import stat

from textual.widgets import Input

from tests.support import open_view, palette_found
from tracker.demo import generate_history
from tracker.ui.commands import app_commands
from tracker.ui.screens.progress import ProgressScreen
from tracker.ui.screens.settings import SettingsScreen


async def test_progress_key_writes_the_report(service, home, make, settle) -> None:
    service.store.merge(generate_history(30, end=service.today(), zone=service.zone, library=service.library))
    status = service.status()
    app = make(service)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(app, pilot, "progress", ProgressScreen)
        await pilot.press("p")
        await settle(pilot)
        files = list((home / "exports").glob("backroll-report-*.html"))
        assert len(files) == 1
        assert any("Practice report written to" in n.message for n in app._notifications)
    page = files[0]
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    text = page.read_text(encoding="utf-8")
    assert f'<td data-key="current_streak">{status.streak.current}</td>' in text


async def test_palette_offers_the_report(service, home, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        names = {c.name for c in app_commands(app, app.screen)}
        assert {"Practice report (HTML)", "Practice report (PDF)"} <= names
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"practice report (html")
        await palette_found(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert len(list((home / "exports").glob("backroll-report-*.html"))) == 1


async def test_settings_screen_saves_the_practice_time(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(110, 40)) as pilot:
        screen = await open_view(app, pilot, "settings", SettingsScreen)
        field = screen.query_one("#practice-time", Input)
        assert field.value == "07:30"
        field.value = "18:05"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert service.settings.practice_time == "18:05"
