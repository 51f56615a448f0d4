"""Cues on screen: the big digit takes the phase's colour, the optional flash, and Settings saying what is missing."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Static, Switch

from tests.support import answer_pain_before, open_view, tick
from tracker.model import Prescription
from tracker.ui.screens.session import SessionScreen
from tracker.ui.screens.settings import SettingsScreen
from tracker.ui.widgets.bignum import BigNumber


def colour_of(widget) -> str:
    colour = widget.rich_style.color
    assert colour is not None
    return str(colour.triplet.hex if colour.triplet else colour.name)


async def run_bridge_with_a_hold(app, pilot, settle) -> SessionScreen:
    await settle(pilot)
    app._run(app.service.routine("bridge", Prescription(2, 4, 3)))  # a level with a hold: all three phases
    await settle(pilot)
    await answer_pain_before(pilot)  # skipped: the counts start once it is answered
    screen = app.screen
    assert isinstance(screen, SessionScreen)
    screen.runner.skip()  # past the hip rocks, to the back roll
    screen.refresh_view()
    await pilot.pause()
    return screen


async def test_the_digit_colour_follows_the_phase(service, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(80, 30)) as pilot:
        screen = await run_bridge_with_a_hold(app, pilot, settle)
        digit = screen.query_one("#count", BigNumber)
        word = screen.query_one("#phase-word")
        seen: dict[str, str] = {}
        for _ in range(11):  # raise 4, hold 3, lower 4 counts of 1 s
            phase = screen.runner.view().phase.value
            assert colour_of(digit) == colour_of(word)  # the number and the word agree
            seen.setdefault(phase, colour_of(digit))
            assert seen[phase] == colour_of(digit)  # and keep it for the whole phase
            await tick(pilot, clock, 1.0)
        assert list(seen) == ["raise", "hold", "lower"]
        assert len(set(seen.values())) == 3, seen  # three phases, three colours

        await pilot.press("space")  # paused: the digit greys out whatever the phase
        assert colour_of(digit) not in seen.values()


async def test_the_screen_flashes_at_each_change_only_when_asked(service, make, clock, settle, monkeypatch):
    # The flash ends on a real-time timer while the test moves a fake clock: under a loaded machine the tick
    # alone can outlast 0.35 s, so here it lasts 2 s (what is tested is that it comes and goes, not its length).
    import tracker.ui.screens.session as session_module

    monkeypatch.setattr(session_module, "FLASH_SECONDS", 2.0)
    service.save_settings(replace(service.settings, flash=True))
    app = make(service)
    async with app.run_test(size=(80, 30)) as pilot:
        screen = await run_bridge_with_a_hold(app, pilot, settle)
        await tick(pilot, clock, 4.0)  # raise -> hold
        assert screen.has_class("-flash")
        await pilot.pause(2.5)
        assert not screen.has_class("-flash")  # a moment, not a state
        await tick(pilot, clock, 1.0)  # a count, not a change
        assert not screen.has_class("-flash")

    service.save_settings(replace(service.settings, flash=False))
    app = make(service)
    async with app.run_test(size=(80, 30)) as pilot:
        screen = await run_bridge_with_a_hold(app, pilot, settle)
        await tick(pilot, clock, 4.0)
        assert not screen.has_class("-flash")


async def test_settings_grey_out_spoken_cues_and_name_the_program_to_install(service, make, settle):
    app = make(service, voice_program="", audio_player="")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_view(app, pilot, "settings", SettingsScreen)
        voice = screen.query_one("#voice", Switch)
        assert voice.disabled and voice.value is False
        hint = str(screen.query_one("#cues-hint", Static).render())
        assert "espeak-ng" in hint and "say" in hint
        assert "bell rings a pattern" in hint and "aplay" in hint

        flash = screen.query_one("#flash", Switch)
        assert not flash.disabled and flash.value is False
        await pilot.click("#flash")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert service.settings.flash is True


async def test_settings_offer_spoken_cues_when_a_voice_is_there(service, make, settle):
    app = make(service, voice_program="/bin/true", audio_player="/bin/true")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_view(app, pilot, "settings", SettingsScreen)
        assert not screen.query_one("#voice", Switch).disabled
        assert str(screen.query_one("#cues-hint", Static).render()) == ""


async def test_backroll_session_routine_opens_the_app_running_it(service, make, settle):
    """`backroll session ROUTINE` on a terminal that can show the app: the app, with that routine started."""
    app = make(service, start="floor-flow")
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await settle(pilot)
        await answer_pain_before(pilot, 2)  # a new session asks the pain before first
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.routine.id == "floor-flow"


async def test_the_palette_toggles_the_flash(service, make, settle):
    app = make(service)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        app.action_toggle_flash()
        await settle(pilot)
        assert service.settings.flash is True
        app.action_toggle_flash()
        await settle(pilot)
        assert service.settings.flash is False
