"""Settings: edits are validated, applied (theme live), saved in a worker and survive a restart."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input, Select, Static, Switch

from tests.support import open_view
from tracker.model import Settings, Side
from tracker.ui.screens.settings import SettingsScreen, build_settings, parse_rest_allowance


async def open_settings(app, pilot, settle) -> SettingsScreen:
    return await open_view(app, pilot, "settings", SettingsScreen)


def form(**changes: object) -> dict:
    values: dict = dict(
        tempo="1",
        breath="5",
        sound=True,
        voice=False,
        theme="nord",
        rest_weekdays=set(),
        rest_per_week="0",
        tighter={},
    )
    values.update(changes)
    return values


def test_build_settings_accepts_a_valid_form() -> None:
    settings, errors = build_settings(
        Settings(safety_note_seen=True),
        **form(
            tempo="1,5",
            rest_weekdays={6},
            rest_per_week="1",
            tighter={"low-lunge": "left", "half-split": "none"},
        ),
    )
    assert errors == {}
    assert settings is not None
    assert (
        settings.tempo == 1.5
        and settings.rest_weekdays == frozenset({6})
        and settings.rest_days_per_week == 1
    )
    assert settings.tighter_side == {"low-lunge": Side.LEFT}
    assert settings.safety_note_seen  # fields the form does not show are kept


def test_build_settings_explains_each_problem() -> None:
    settings, errors = build_settings(
        Settings(), **form(tempo="fast", breath="40", rest_weekdays={0, 1, 2}, rest_per_week="2")
    )
    assert settings is None
    assert "type a number" in errors["tempo"]
    assert "out of range" in errors["breath"] and "15" in errors["breath"]
    assert "4 practice days" in errors["rest"]
    _, errors = build_settings(Settings(), **form(rest_per_week="x"))
    assert "whole number" in errors["rest"]


async def test_settings_persist_across_a_restart(service, make, settle, home, open_service) -> None:
    sided = sorted(p.id for p in service.library.poses.values() if p.sided)
    assert sided, "the library has sided poses"
    app = make(service)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(app, pilot, settle)
        assert screen.query_one("#tempo", Input).value == "1"
        tempo = screen.query_one("#tempo", Input)
        tempo.value = "1.5"
        screen.query_one("#breath", Input).value = "6"
        await pilot.click("#sound")  # mouse works: the fixture saved sound off
        screen.query_one("#rest-6", Checkbox).value = True
        screen.query_one(f"#side-{sided[0]}", Select).value = "right"
        screen.query_one("#theme", Select).value = "nord"
        await settle(pilot)
        assert app.theme == "nord"  # applied live, before saving
        assert "unsaved" in str(screen.query_one("#settings-state").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert str(screen.query_one("#settings-state").render()) == "saved"
    service.close()

    again = open_service(home)
    try:
        settings = again.settings
        assert settings.tempo == 1.5
        assert settings.breath_seconds == 6
        assert settings.sound is True
        assert settings.rest_weekdays == frozenset({6})
        assert settings.tighter_side == {sided[0]: Side.RIGHT}
        assert settings.theme == "nord"
        assert settings.safety_note_seen
        app = make(again)
        async with app.run_test(size=(100, 40)) as pilot:
            screen = await open_settings(app, pilot, settle)
            assert screen.query_one("#tempo", Input).value == "1.5"
            assert screen.query_one("#sound", Switch).value is True
            assert screen.query_one("#rest-6", Checkbox).value is True
            assert screen.query_one(f"#side-{sided[0]}", Select).value == "right"
            assert app.theme == "nord"
    finally:
        again.close()


async def test_invalid_values_are_explained_and_not_saved(service, make, settle) -> None:
    before = service.settings
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, settle)
        tempo = screen.query_one("#tempo", Input)
        tempo.focus()
        tempo.value = ""
        await pilot.press(*"12")
        await settle(pilot)
        errors = screen.query_one("#settings-errors", Static)
        assert errors.display and "between 0.5 and 5" in str(errors.render())
        assert tempo.has_class("-invalid")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert service.settings == before
        await pilot.press("ctrl+r")  # revert: the saved value comes back, the message goes
        await settle(pilot)
        assert tempo.value == "1" and not errors.display


async def test_revert_restores_the_saved_theme(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot, settle)
        saved_theme = app.theme
        screen.query_one("#theme", Select).value = "gruvbox"
        await settle(pilot)
        assert app.theme == "gruvbox"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.theme == saved_theme


async def test_leaving_with_an_unsaved_edit_warns_and_keeps_it(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(app, pilot, settle)
        screen.query_one("#tempo", Input).value = "2"
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert any(n.title == "Settings not saved" for n in app._notifications)
        assert service.settings.tempo == 1.0  # not saved behind the person's back
        screen = await open_settings(app, pilot, settle)
        assert screen.query_one("#tempo", Input).value == "2"  # the edit is still there to save


async def test_leaving_without_edits_says_nothing(service, make, settle) -> None:
    app = make(service)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_settings(app, pilot, settle)
        await pilot.press("1")
        await settle(pilot)
        assert not any(n.title == "Settings not saved" for n in app._notifications)


@pytest.mark.parametrize("width", [80, 110, 115, 120])
async def test_every_rest_day_fits_and_reads_ticked_or_not(service, make, settle, width) -> None:
    """Sat and Sun were cut at 110-120 columns, and a ticked day looked like an unticked one."""
    from tracker.ui.widgets.tick_box import TICKED, UNTICKED, TickBox

    app = make(service)
    async with app.run_test(size=(width, 40)) as pilot:
        screen = await open_settings(app, pilot, settle)
        screen.query_one("#rest-6", Checkbox).value = True
        await pilot.pause()
        panel = screen.query_one("#settings-rest").content_region
        boxes = list(screen.query(TickBox))
        assert [str(box.label) for box in boxes] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        for box in boxes:
            assert box.region.width >= len("[ ] Mon"), (box.id, box.region)
            assert panel.contains_region(box.region), (box.id, box.region, panel)
        assert str(boxes[6].render()).startswith(TICKED)
        assert str(boxes[5].render()).startswith(UNTICKED)
        await pilot.click("#rest-5")
        assert boxes[5].value and str(boxes[5].render()).startswith(TICKED)


@pytest.mark.parametrize("text", ["²", "٣", "9" * 5000])
def test_rest_days_per_week_takes_only_ascii_digits(text: str) -> None:
    value, problem = parse_rest_allowance(text)  # int() of these raised: the settings screen crashed
    assert value is None and "Rest days per week" in problem


def footer_text(app) -> str:
    """The footer as rendered: the screen's last row."""
    return app.screen._compositor.render_strips()[-1].text


@pytest.mark.parametrize("size", [(60, 18), (100, 30)])
async def test_esc_leaves_a_field_and_the_footer_says_how(service, make, settle, size) -> None:
    """Issue 22: in the Tempo field q, 1-4 and Esc did nothing, and the footer hid the keys; only Tab got out."""
    app = make(service)
    async with app.run_test(size=size) as pilot:
        screen = await open_settings(app, pilot, settle)
        tempo = screen.query_one("#tempo", Input)
        tempo.focus()
        await settle(pilot)
        assert "esc Leave the field" in footer_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.focused, Input) and app.screen is screen
        assert "Leave the field" not in footer_text(app)
        assert "Views" in footer_text(app)  # the view keys are back, and they work
        await pilot.press("1")
        await settle(pilot)
        assert app.current_mode == "today"


def test_practice_time_in_the_form() -> None:
    settings, errors = build_settings(Settings(), **form(practice_time="6:40"))
    assert errors == {} and settings is not None and settings.practice_time == "06:40"
    settings, errors = build_settings(Settings(), **form(practice_time="7.30pm"))
    assert settings is None and "HH:MM" in errors["practice"]
