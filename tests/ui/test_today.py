"""Today on launch, the first-run safety note, the store error screen, the palette, NO_COLOR."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from textual.widgets import Digits, OptionList, Static

from tests.support import palette_found
from tracker.ui.commands import app_commands
from tracker.ui.dialogs.safety import SafetyNoteScreen
from tracker.ui.screens.store_error import StoreErrorScreen
from tracker.ui.screens.today import TodayScreen


def text_of(widget) -> str:
    return str(widget.render())


async def test_today_shows_streak_prescription_advice_and_routines(service, make, settle):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        assert screen.query_one("#streak-digits", Digits).value == "0"
        assert "2 lifts, raise and lower to 4" in text_of(screen.query_one("#next", Static))
        advice = screen.query_one("#advice").plain
        assert service.status().advice.message in advice
        for reason in service.status().advice.reasons:
            assert reason in advice
        routines = screen.query_one("#routines", OptionList)
        assert routines.get_option_at_index(0).id == "bridge"
        assert routines.option_count == 1 + len(service.library.routines)
        assert app.ready


async def test_an_app_given_a_way_to_open_the_service_opens_it_in_the_first_load(
    service, home, make, settle, open_service
):
    """`backroll` hands the app a function: the service (and the model behind it) is made by Today's first
    load, after the first frame, once; Today then shows what it shows with a service handed in."""
    expected = service.status(quick=True)
    service.close()
    made = []

    def opener():
        made.append(open_service(home))
        return made[-1]

    app = make(opener)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert len(made) == 1 and app.opened_service is made[0] and app.service is made[0]
            assert app.ready and isinstance(app.screen, TodayScreen)
            digits = app.screen.query_one("#streak-digits", Digits).value
            assert digits == str(expected.streak.current)
            assert expected.advice.message in app.screen.query_one("#advice").plain
    finally:
        for opened in made:
            opened.close()


async def test_the_streak_is_blank_until_the_history_is_read(service, home, make, settle, open_service):
    """Before the first load Today shows no number at all (a 0 there would be a streak that is not the person's)."""
    import threading

    expected = service.status(quick=True).streak.current
    service.close()
    gate = threading.Event()
    made = []

    def opener():  # the first load waits here until the test has looked at the screen
        gate.wait(10)
        made.append(open_service(home))
        return made[-1]

    app = make(opener)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, TodayScreen) and not app.ready
            assert screen.query_one("#streak-digits", Digits).value.strip() == ""
            assert "Loading" in text_of(screen.query_one("#next", Static))
            gate.set()
            await settle(pilot)
            assert app.ready and screen.query_one("#streak-digits", Digits).value == str(expected)
    finally:
        gate.set()
        for opened in made:
            opened.close()


async def test_keys_pressed_while_today_loads_are_kept(service, home, make, settle, open_service):
    """Nothing typed during the first load is lost: the list's keys are played on it once it is filled, and a
    view key opens that view once the load is done."""
    import threading

    service.close()
    gate = threading.Event()
    made = []

    def opener():
        gate.wait(10)
        made.append(open_service(home))
        return made[-1]

    app = make(opener)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            today = app.screen
            assert isinstance(today, TodayScreen) and not app.ready
            await pilot.press("down", "down", "2")
            assert app.current_mode == "today"
            gate.set()
            await settle(pilot)
            assert app.ready
            assert today.query_one("#routines", OptionList).highlighted == 2
            assert app.current_mode == "history"
    finally:
        gate.set()
        for opened in made:
            opened.close()


async def test_safety_note_shows_once_across_restarts(fresh_service, home, make, settle, open_service):
    app = make(fresh_service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SafetyNoteScreen)
        assert "doctor" in text_of(app.screen.query_one(".dialog-text", Static))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    fresh_service.close()

    again = open_service(home)
    try:
        assert again.settings.safety_note_seen
        app = make(again)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, TodayScreen)
            assert not any(isinstance(s, SafetyNoteScreen) for s in app.screen_stack)
    finally:
        again.close()


async def test_locked_store_shows_a_readable_error_not_a_traceback(
    home, make, settle, open_service, monkeypatch
):
    from tracker.store import Store, StoreLocked

    real_open = Store.open.__func__
    attempts = []

    def locked_once(cls, *args, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise StoreLocked(
                "Another Backroll is using this history.", pid=4242, path=home / "backroll.lock"
            )
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(Store, "open", classmethod(locked_once))
    service = open_service(home)
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StoreErrorScreen)
        text = text_of(app.screen.query_one(".dialog-text", Static))
        assert "4242" in text and "backroll.lock" in text
        assert "press r to try again" in text.lower()
        # No view opens over it, and its footer offers none.
        await pilot.press("2")
        assert isinstance(app.screen, StoreErrorScreen) and app.current_mode == "today"
        view_key = app.screen.active_bindings.get("2")  # (node, binding, enabled, tooltip), or left out
        assert view_key is None or not view_key[2]
        # Once the other holder lets go, r retries and Today loads.
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, (TodayScreen, SafetyNoteScreen))
        assert app.ready
    service.close()


async def test_no_view_opens_over_the_store_error_screen_however_it_was_shown(service, make, settle):
    from tracker.store import StoreLocked

    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(
            StoreErrorScreen(StoreLocked("Another Backroll is using this history.", pid=1, path=None))
        )
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, StoreErrorScreen) and app.current_mode == "today"
        view_key = app.screen.active_bindings.get("2")
        assert view_key is None or not view_key[2]


async def test_views_switch_with_number_keys(service, make, settle):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, mode in (
            ("2", "history"),
            ("3", "progress"),
            ("4", "library"),
            ("5", "settings"),
            ("1", "today"),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert app.current_mode == mode


async def test_palette_reaches_every_action(service, make, settle):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        names = {c.name for c in app_commands(app, app.screen)}
        for _, title in app.VIEWS:
            assert f"Go to {title}" in names
        for routine in service.library.routines.values():
            assert f"Start: {routine.name}" in names
        assert {"Toggle sound", "Toggle spoken cues", "Export history (JSON)", "Help", "Quit"} <= names

        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"toggle sound")
        await palette_found(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert service.settings.sound is True  # the fixture turned it off; the palette turned it back on


async def test_export_from_the_palette_writes_a_file(service, home, make, settle):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_export()
        await settle(pilot)
    files = list((home / "exports").glob("backroll-*.json"))
    assert len(files) == 1
    assert '"format": "backroll.history"' in files[0].read_text()


async def test_no_color_is_respected(service, make, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make(service)
    assert app.no_color
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert any(type(f).__name__ in ("Monochrome", "NoColor") for f in app._filters)


async def test_theme_from_settings_is_applied(service, make, settle):
    service.save_settings(replace(service.settings, theme="nord"))
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"


async def test_a_session_logged_from_another_terminal_shows_up(service, make, settle):
    """`backroll log` in another terminal while the app is open: Today catches up on a view switch."""
    from tracker.store import Store

    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#streak-digits", Digits).value == "0"
        other = Store.open(service.home)  # a second writer, as `backroll log` would be
        other.add(service.log_session(service.routine("pelvic-tilt-check"), service.now(), origin="cli"))
        other.close()
        await pilot.press("2")  # to History and back: each view switch catches up
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert app.screen.query_one("#streak-digits", Digits).value == "1"


async def test_routine_file_problems_are_said_once_per_change_and_never_over_a_session(
    service, make, settle, home
):
    routines = home / "routines"
    routines.mkdir(parents=True, exist_ok=True)
    (routines / "broken.toml").write_text("[routine]\nid = 'x'\n")
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        said = [n for n in app._notifications if "routine files" in (n.title or "")]
        assert len(said) == 1 and said[0].title.endswith(
            "problems in your routine files"
        )  # name missing, steps missing
        app.refresh_views()
        await settle(pilot)
        assert len([n for n in app._notifications if "routine files" in (n.title or "")]) == 1
        await pilot.press("s")
        await settle(pilot)
        assert not list(
            app._notifications
        )  # the session screen (and the pain question before it) starts clear


async def test_a_long_history_shows_on_today_without_opening_the_store(home, make, settle, open_service):
    """Today reads a long history through the summary cache (tracker.status_cache): the same figures as the full
    store, and the store (every session in memory) is not opened until something writes."""
    from datetime import timedelta

    from tracker.demo import generate_history
    from tracker.store import Store

    with Store.open(home) as store:
        store.save_settings(replace(store.load_settings(), safety_note_seen=True))
        store.merge(generate_history(400, end=date(2025, 3, 11), zone="Europe/Paris", seed=4))
    service = open_service(home)
    try:
        app = make(service)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, TodayScreen) and app.ready
            assert not service.store_is_open
            shown = app.screen.query_one("#streak-digits", Digits).value
            advice = app.screen.query_one("#advice").plain
    finally:
        service.close()
    full = open_service(home)
    try:
        full.store  # noqa: B018 - every session, as before the cache
        status = full.status()
        assert shown == str(status.streak.current)
        assert status.advice.message in advice
        assert status.streak.practice_days > 200 and timedelta(days=1)
    finally:
        full.close()


def _fits(widget) -> bool:
    """The widget's wrapped text needs no more lines than it has."""
    region = widget.content_region
    needed = widget.get_content_height(region.size, widget.app.size, region.width)
    return needed <= region.height


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
@pytest.mark.parametrize(
    ("days", "ends_yesterday", "line"), [(101, False, "hold 8 counts"), (62, True, "up from")]
)
async def test_the_next_session_card_is_never_clipped(
    service, make, settle, size, days, ends_yesterday, line
):
    """At 80x24 the card's last lines were cut: a long level, or a level-up with its 'up from' line."""
    from datetime import timedelta

    from tracker.demo import generate_history

    end = service.today() - timedelta(days=1 if ends_yesterday else 0)
    service.store.merge(
        generate_history(days, end=end, zone=service.zone, library=service.library, settings=service.settings)
    )
    app = make(service)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        card = app.screen.query_one("#next", Static)
        assert line in text_of(card)
        assert _fits(card), (card.content_region, text_of(card))
        assert _fits(app.screen.query_one("#streak-text", Static))
        routines = app.screen.query_one("#routines", OptionList)
        assert routines.content_region.height >= 3  # the list still shows some routines


def screen_lines(app) -> list[str]:
    """The screen as the person sees it, a line per row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def seen_in(app, widget) -> list[str]:
    """The rows of `widget`'s text that are on screen now (inside its border, scrollbar left out)."""
    region = widget.scrollable_content_region.intersection(app.screen.region)
    lines = screen_lines(app)
    return [lines[y][region.x : region.right] for y in range(region.y, region.bottom)]


@pytest.mark.parametrize("size", [(60, 18), (80, 24), (100, 30)])
async def test_what_s_starts_is_named_on_screen_and_the_list_is_in_reach(service, make, settle, size):
    """Issue 22: at 60x18 the list was below the screen, PageDown moved its invisible highlight, and s started a
    routine nobody saw. Now the line above the footer names what s starts, and the highlighted row is in sight."""
    from datetime import timedelta

    from tests.support import practice_session

    today = service.today()
    service.store.merge(
        [practice_session(today - timedelta(days=d)) for d in range(1, 4)]
    )  # a streak and advice
    app = make(service)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        routines = screen.query_one("#routines", OptionList)
        assert app.focused is routines
        for key in (None, "pagedown", "down"):
            if key:
                await pilot.press(key)
                await settle(pilot)
            name = next(row.name for row in screen.data.routines if row.id == screen.highlighted_routine())
            shown = "\n".join(screen_lines(app))
            assert f"s starts {name}" in shown, (key, shown)
            assert any(line.strip().startswith(name) for line in seen_in(app, routines)), (
                key,
                screen_lines(app),
            )  # its row too
        await pilot.press("s")
        await settle(pilot)
        assert app.session_screen is not None and app.session_screen.routine.name == name


LONG_ADVICE_SIZES = [(60, 18), (71, 44), (80, 24)]


@pytest.mark.parametrize("size", LONG_ADVICE_SIZES)
async def test_every_advice_reason_is_readable_to_its_last_word(service, make, settle, size):
    """Issue 22: at 71x44 a reason ended mid-sentence with no scrollbar. Every word of every reason is reachable:
    Tab to the advice, then the down key scrolls it line by line."""
    from datetime import timedelta

    from tests.support import practice_session
    from tracker.model import Prescription, Stability

    today = service.today()
    hurting = [
        practice_session(
            today - timedelta(days=d),
            Prescription(4, 4, 0),
            pain_before=2,
            pain_after=6,
            stable=Stability.UNSURE,
            hurt=d % 2 == 0,
        )
        for d in range(1, 6)
    ]
    hurting += [
        practice_session(today, Prescription(4, 4, 0), pain_before=3, pain_after=7, hurt=True, hour=h)
        for h in (6, 7)
    ]
    service.store.merge(hurting)
    reasons = service.status().advice.reasons
    assert sum(len(r) for r in reasons) > 250  # long enough to overflow the card at these sizes
    app = make(service)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        advice = app.screen.query_one("#advice")
        if advice.max_scroll_y > 0:  # more text than room: the card says how to read the rest
            assert "Tab" in str(advice.border_subtitle)
        for _ in range(6):  # Tab reaches it
            if app.focused is advice:
                break
            await pilot.press("tab")
        text_lines: dict[int, str] = {}
        for _ in range(60):
            await pilot.pause()
            top = round(advice.scroll_y)
            for offset, line in enumerate(seen_in(app, advice)):
                text_lines[top + offset] = line
            if advice.scroll_y >= advice.max_scroll_y:
                break
            await pilot.press("down")
        read = " ".join(" ".join(text_lines[y].split()) for y in sorted(text_lines))
        for reason in reasons:
            assert " ".join(reason.split()) in read.replace("• ", ""), (reason, read)
