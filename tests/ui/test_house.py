"""The seams of the UI: the session's keys reach the palette through ScreenActions, help lists every screen's keys."""

from __future__ import annotations

from tests.support import start_session
from tracker.ui.commands import ScreenActions, app_commands
from tracker.ui.dialogs.help import HelpScreen
from tracker.ui.screens.session import SessionScreen


async def test_the_palette_offers_the_running_sessions_keys(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await start_session(pilot)
        assert isinstance(screen, SessionScreen)
        names = [hit.text async for hit in ScreenActions(screen).discover()]
        assert {
            "Session: Pause/Resume",
            "Session: Skip",
            "Session: Back",
            "Session: It hurts",
            "Session: Stop",
        } <= set(names)
        app_names = {c.name for c in app_commands(app, screen)}
        assert not any(name.startswith("Start:") for name in app_names)  # no new session from inside one
        hits = [hit async for hit in ScreenActions(screen).search("it hurts")]
        await hits[0].command()
        await settle(pilot)
        assert service.sessions()[-1].hurt  # saved at once, as the key does


async def test_help_lists_the_check_in_keys(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.keys_text()
        check_in = text.split("[b]Check-in[/b]", 1)[1].split("[b]", 1)[0]
        assert "Save" in check_in and "Skip the rest (keeps what you gave)" in check_in
        assert "Don't save" not in check_in  # Esc never drops a session: Help says what it does
