"""The session runner driven by a fake clock: start, pause, resume, skip, back, hurt, stop, finish, check in."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Digits, Input, Label, ProgressBar, Select

from tests.support import answer_pain_before, start_session, tick
from tracker.ui.dialogs.checkin import CheckInScreen
from tracker.ui.dialogs.confirm import ConfirmScreen
from tracker.ui.dialogs.safety import HurtNoteScreen
from tracker.ui.screens.session import SAFETY_INTERVAL, TIMER_SLACK, SessionScreen
from tracker.ui.screens.today import TodayScreen
from tracker.ui.widgets.bignum import BigNumber


def label(screen, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())


async def start(pilot, settle, key: str = "s") -> SessionScreen:
    return await start_session(pilot, key)


async def test_bridge_runs_at_todays_prescription_and_counts_from_the_clock(service, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, settle)
        assert screen.routine.id == "bridge"
        assert screen.runner.status == "running"
        assert label(screen, "#pose-title") == "Hip rocks"
        assert label(screen, "#session-step") == "step 1 of 3"
        assert "RAISE" in label(screen, "#phase-word")
        assert screen.query_one("#count", BigNumber).value == "1"
        assert "of 2 counts" in label(screen, "#count-unit")
        assert "Next:" in label(screen, "#next-step")

        await tick(pilot, clock, 1.0)
        assert screen.query_one("#count", BigNumber).value == "2"
        await tick(pilot, clock, 1.0)
        assert "LOWER" in label(screen, "#phase-word")
        assert screen.runner.view().rep == 1
        await tick(pilot, clock, 2.0)
        assert "rep 2 of 8" in label(screen, "#pose-where")
        assert screen.query_one("#session-progress", ProgressBar).progress > 0


async def test_the_next_redraw_is_one_timer_at_the_next_change(service, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, settle)
        await tick(pilot, clock, 0.25)
        timer = screen._timer
        assert timer is not None and timer.name == "session-next"
        expected = screen.runner.next_change() - clock()
        assert abs(timer._interval - (expected + TIMER_SLACK)) < 1e-6
        assert 0 < timer._interval <= 1.01
        # Besides that one-shot, only the slow safety interval runs: no frame loop.
        assert SAFETY_INTERVAL >= 1.0
        await pilot.press("space")
        assert screen._timer is None  # paused: nothing to wake up for


async def test_pause_resume_skip_and_back(service, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, settle)
        await tick(pilot, clock, 1.5)
        before = screen.runner.view()

        await pilot.press("space")
        assert screen.runner.status == "paused"
        assert "PAUSED" in label(screen, "#phase-word")
        await tick(pilot, clock, 120.0)
        paused = screen.runner.view()
        assert (paused.step_number, paused.rep, paused.phase, paused.count) == (
            before.step_number,
            before.rep,
            before.phase,
            before.count,
        )

        await pilot.press("space")
        assert screen.runner.status == "running"
        assert "PAUSED" not in label(screen, "#phase-word")

        await pilot.press("n")
        assert screen.runner.view().title == "Back roll"
        assert label(screen, "#session-step") == "step 2 of 3"

        await pilot.press("b")
        assert screen.runner.view().title == "Hip rocks"


async def test_finish_check_in_and_see_it_saved_with_the_streak(service, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, settle)
        total = screen.runner.view().session_left
        # Steps under the runner's suspend gap (5 s): each redraw is what a timer would have done.
        for _ in range(int(total / 4) + 2):
            await tick(pilot, clock, 4.0)
            if isinstance(app.screen, CheckInScreen):
                break
        await settle(pilot)
        checkin = app.screen
        assert isinstance(checkin, CheckInScreen)
        assert "well done" in str(checkin.query_one(".dialog-title", Label).render())

        checkin.query_one("#pain-before", Select).value = 3
        checkin.query_one("#pain-after", Select).value = 1
        checkin.query_one("#stable").query("RadioButton")[0].value = True  # yes
        checkin.query_one("#felt").query("RadioButton")[2].value = True  # hard
        checkin.query_one("#note", Input).value = "Felt steady."
        await pilot.click("#save")
        await settle(pilot)

        assert isinstance(app.screen, TodayScreen)
        sessions = service.sessions()
        assert len(sessions) == 1
        saved = sessions[0]
        assert saved.routine == "bridge" and saved.completed and not saved.hurt
        assert (saved.checkin.pain_before, saved.checkin.pain_after) == (3, 1)
        assert saved.checkin.stable.value == "yes" and saved.checkin.felt.value == "hard"
        assert saved.checkin.note == "Felt steady."
        assert saved.local_date.isoformat() == "2025-03-12"
        assert app.screen.query_one("#streak-digits", Digits).value == "1"


async def test_hurt_stops_at_once_shows_the_note_then_checks_in_with_hurt_marked(
    service, make, clock, settle
):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, settle)
        await pilot.press("n")
        await tick(pilot, clock, 3.0)
        await pilot.press("h")
        await pilot.pause()
        assert screen.runner.status == "hurt"
        assert isinstance(app.screen, HurtNoteScreen)
        assert "stop" in str(app.screen.query_one(".dialog-title", Label).render()).lower()

        await pilot.press("enter")
        await pilot.pause()
        checkin = app.screen
        assert isinstance(checkin, CheckInScreen)
        assert "hurt" in str(checkin.query_one(".dialog-title", Label).render())
        await pilot.click("#save")
        await settle(pilot)

        assert isinstance(app.screen, TodayScreen)
        (saved,) = service.sessions()
        assert saved.hurt and not saved.completed
        assert saved.hurt_at is not None and saved.hurt_at.pose == "back-roll"
        # A hurt session still counts as practice.
        assert app.screen.query_one("#streak-digits", Digits).value == "1"


async def test_q_asks_before_ending_and_keeps_going_on_no(service, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, settle)
        await tick(pilot, clock, 2.0)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert screen.runner.status == "paused"  # nothing moves while the question is up
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and screen.runner.status == "running"

        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        checkin = app.screen
        assert isinstance(checkin, CheckInScreen)
        assert "ended early" in str(checkin.query_one(".dialog-title", Label).render())

        # Leaving without saving (the button: Esc keeps what is given) asks once more, then nothing is stored.
        await pilot.click("#discard")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert service.sessions() == []
        assert not app.in_session


async def test_observation_asks_its_question_and_records_the_answer(service, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.start_routine("pelvic-tilt-check")
        await settle(pilot)
        await answer_pain_before(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert screen.runner.status == "observing"
        await pilot.pause()
        assert "gap under your lower back" in label(screen, "#question")
        buttons = list(screen.query("#choices Button"))
        assert [str(b.label) for b in buttons] == ["a lot", "some", "a little", "none"]
        assert app.focused is buttons[0]
        # Space pauses, even on a focused choice: it must never answer for you.
        await pilot.press("space")
        assert screen.runner.status == "paused" and screen.runner.results().answers == {}
        await pilot.press("space")
        assert screen.runner.status == "observing"
        await pilot.click(f"#{buttons[1].id}")
        await pilot.pause()
        assert screen.runner.status == "running"
        assert screen.runner.results().answers["space-before"] == "some"
        assert not screen.query_one("#observe").display


async def test_views_and_a_second_start_are_blocked_during_a_session(service, make, clock, settle):
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, settle)
        await pilot.press("2")
        await pilot.pause()
        assert app.screen is screen and app.current_mode == "today"
        app.start_routine("floor-flow")
        await settle(pilot)
        assert app.screen is screen


async def test_a_bell_rings_at_each_phase_change_and_voice_speaks_when_on(
    service, make, clock, settle, monkeypatch
):
    from dataclasses import replace

    service.save_settings(replace(service.settings, sound=True, voice=True))
    app = make(service, voice_program="/bin/true")
    rings = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(clock()))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, settle)
        first = len(rings)
        assert first >= 1  # the start of the first phase
        assert app.cue_player.played == ["raise"]
        await tick(pilot, clock, 1.0)  # a count changes, the phase does not
        assert app.cue_player.played == ["raise"]
        await tick(pilot, clock, 1.0)  # raise -> lower: its own sound (tracker.cues)
        assert app.cue_player.played == ["raise", "lower"]
        assert len(rings) > first
        assert any("Lower" in text or "lower" in text for text in app.cue_player.spoken)

        await pilot.press("space")
        app.action_toggle_sound()
        await settle(pilot)
        assert service.settings.sound is False
        await pilot.press("space")
        await tick(pilot, clock, 2.0)
        assert app.cue_player.played == ["raise", "lower"]  # sound off: silent


async def test_a_session_ending_on_its_own_timer_checks_in_and_returns_to_today(service, make, clock, settle):
    """The real end comes from the screen's own timer, inside its message loop, not from the test."""
    app = make(service)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, settle)
        total = screen.runner.view().session_left
        for _ in range(int(total / 4) + 2):
            clock.advance(4.0)
            screen.call_later(screen.refresh_view)  # as the screen's timer does
            await pilot.pause()
            if isinstance(app.screen, CheckInScreen):
                break
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.click("#save")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert len(service.sessions()) == 1


FREE_TEXT_ROUTINE = """\
[routine]
id = "my-check"
name = "My check"

[[routine.steps]]
pose = "constructive-rest"
kind = "observe"
question = "What do you notice in your lower back?"
key = "notice"

[[routine.steps]]
pose = "pelvic-tilt"
kind = "reps"
reps = 4
raise = 2
lower = 2
"""


async def test_it_hurts_stays_one_key_away_while_typing_an_answer(home, open_service, make, settle):
    """In a free-text answer h is a letter: Esc leaves the box and h stops; the button stops too."""
    (home / "routines").mkdir(parents=True)
    (home / "routines" / "mine.toml").write_text(FREE_TEXT_ROUTINE)
    service = open_service(home)
    service.save_settings(replace(service.settings, safety_note_seen=True, sound=False))
    for way in ("escape-then-h", "button"):
        app = make(service)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            app.start_routine("my-check")
            await settle(pilot)
            await answer_pain_before(pilot)
            screen = app.screen
            assert screen.runner.status == "observing"
            assert isinstance(app.focused, Input)
            await pilot.press("h")  # typing: the letter goes in the box
            assert screen.query_one("#answer", Input).value == "h" and not screen.runner.done
            if way == "escape-then-h":
                await pilot.press("escape", "h")
            else:
                await pilot.click("#hurt-button")
            await settle(pilot)
            assert screen.runner.status == "hurt"
            assert isinstance(app.screen, HurtNoteScreen)
    service.close()


def test_time_left_is_minutes_and_seconds() -> None:
    from tracker.ui.widgets.countdown import clock_text

    assert clock_text(59.2, always_minutes=True) == "1:00"
    assert clock_text(58.5, always_minutes=True) == "0:59"
    assert clock_text(58.5) == "59"  # the big count stays a plain number
    assert clock_text(125) == "2:05"


def test_the_count_caption_never_says_a_bare_left() -> None:
    from types import SimpleNamespace

    from tracker.ui.screens.session import count_text

    hold = SimpleNamespace(
        question=None, phase="hold", count=None, counts=None, phase_left=90.0, unit="second"
    )
    assert count_text(hold) == ("1:30", "minutes to go")  # type: ignore[arg-type]
    assert (
        count_text(
            SimpleNamespace(
                question=None, phase="hold", count=None, counts=None, phase_left=45.0, unit="second"
            )
        )[1]
        == "seconds to go"
    )  # type: ignore[arg-type]


async def test_at_60x18_the_hurt_note_opens_at_its_title_and_scrolls_by_keyboard(
    service, make, clock, settle
):
    app = make(service)
    async with app.run_test(size=(60, 18)) as pilot:
        await start(pilot, settle)
        await tick(pilot, clock, 2.0)
        await pilot.press("h")
        await settle(pilot)
        note = app.screen
        assert isinstance(note, HurtNoteScreen)
        body = note.query_one(".dialog")
        assert body.max_scroll_y > 0  # the premise: the note is taller than the terminal
        assert body.scroll_y == 0
        assert body.scrollable_content_region.contains_region(note.query_one(".dialog-title", Label).region)
        await pilot.press("down", "pagedown")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y  # the button comes into view
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
