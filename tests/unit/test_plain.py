"""`backroll session ROUTINE --plain` end to end: a real process on a real pseudo-terminal, a fake clock in a file.

The test moves the clock (BACKROLL_CLOCK_FILE), presses single keys as a
person would, answers the check-in, and reads the saved record back from
the TinyDB files in a temporary home.
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracker.model import Felt, Stability
from tracker.service import Backroll

ROOT = Path(__file__).resolve().parents[2]
WAIT = 15.0  # seconds for a line to appear; each step takes a fraction of that

BRIDGE_LINES = (
    [f"Hip rocks, lift {n} of 8: {phase}, 2 counts" for n in range(1, 9) for phase in ("raise", "lower")]
    + [f"Back roll, lift {n} of 2: {phase}, 4 counts" for n in range(1, 3) for phase in ("raise", "lower")]
    + [
        f"More hip rocks, lift {n} of 8: {phase}, 2 counts"
        for n in range(1, 9)
        for phase in ("raise", "lower")
    ]
)


class PlainProcess:
    """`backroll session ROUTINE --plain` on a pty, with the clock in a file the test moves."""

    def __init__(self, home: Path, routine: str = "bridge") -> None:
        self.clock_file = home.parent / "clock"
        self.now = 1000.0
        self._write_clock()
        master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k not in ("BACKROLL_HOME",)}
        no_programs = (
            home.parent / "empty-bin"
        )  # no audio player, no voice: the bell pattern, and no sound in a test run
        no_programs.mkdir(exist_ok=True)
        env.update(
            {
                "BACKROLL_CLOCK_FILE": str(self.clock_file),
                "TERM": "dumb",
                "PATH": str(no_programs),
                "TZ": "Europe/Paris",
            }
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tracker", "--home", str(home), "session", routine, "--plain"],
            stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=env, start_new_session=True, close_fds=True,
        )  # fmt: skip
        os.close(slave)
        self.master = master
        self.text = ""  # everything printed so far, \r\n as \n
        self.seen = 0  # how far expect() has read

    def _write_clock(self) -> None:
        part = self.clock_file.with_suffix(".part")
        part.write_text(f"{self.now}")
        part.replace(self.clock_file)  # never half-written

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self._write_clock()

    def _read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            try:
                data = os.read(self.master, 4096)
            except OSError:  # the process ended and closed the pty
                data = b""
            self.text += data.decode("utf-8", "replace").replace("\r\n", "\n")

    def expect(self, wanted: str) -> str:
        """Wait for `wanted`; return what was printed from the last expectation up to the end of its line."""
        deadline = time.monotonic() + WAIT
        while True:
            found = self.text.find(wanted, self.seen)
            if found >= 0:
                end = self.text.find("\n", found)
                if end >= 0:
                    chunk, self.seen = self.text[self.seen : end + 1], end + 1
                    return chunk
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{wanted!r} not printed within {WAIT} s; got:\n{self.text[self.seen :]}"
                )
            self._read(0.1)

    def quiet_for(self, seconds: float) -> str:
        """What is printed in the next `seconds` (nothing expected)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._read(0.05)
        return self.text[self.seen :]

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def answer(self, line: str) -> None:
        os.write(self.master, (line + "\r").encode())  # Enter on a terminal sends CR

    def wait(self) -> int:
        deadline = time.monotonic() + WAIT
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.05)
        return self.process.wait(timeout=1)

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        os.close(self.master)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def plain(home: Path):
    processes: list[PlainProcess] = []

    def start(routine: str = "bridge") -> PlainProcess:
        process = PlainProcess(home, routine)
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.close()


def saved_sessions(home: Path) -> list:
    with Backroll(home) as service:
        return service.sessions()


def phase_lines(text: str) -> list[str]:
    return [
        line
        for line in text.replace("\a", "").splitlines()
        if re.search(r": (raise|lower|hold|breathe|rest|flow), ", line)
    ]


def test_a_whole_session_is_one_line_per_change_then_the_check_in_saves_it(plain, home: Path) -> None:
    run = plain()  # sound on, no audio player on PATH: the bell rings its pattern between the lines
    header = run.expect("Keys: space pause or go on, n skip, b back, q stop, h it hurts.")
    assert "Bridge program: 3 steps" in header
    run.expect(BRIDGE_LINES[0])
    for _ in range(80):  # the planned 80 s, a count at a time: counts print nothing, changes one line each
        run.advance(1.0)
        run.quiet_for(0.02)
    run.expect("Session complete. Well done. Check-in")
    run.expect("Pain before the session, 0 to 10?")
    run.answer("12")
    assert "'12' is not a whole number from 0 to 10." in run.expect("not a whole number")
    run.expect("Pain before the session, 0 to 10?")
    run.answer("2")
    run.expect("Pain now, 0 to 10?")
    run.answer("1")
    run.expect("stable: yes, no or unsure?")
    run.answer("y")
    run.expect("easy, right or hard?")
    run.answer("2")
    run.expect("A note?")
    run.answer("steady on the floor")
    run.expect("Save this session?")
    run.answer("")
    run.expect("Saved. See you tomorrow.")
    assert run.wait() == 0

    assert phase_lines(run.text) == BRIDGE_LINES  # every change, in order, each once
    assert run.text.count("\a") >= 16 * 2 + 16 * 3  # raise rings twice, lower three times
    intros = [
        line for line in run.text.replace("\a", "").splitlines() if line.startswith("Step ")
    ]  # bells ring between lines
    assert [line.split(".")[0] for line in intros] == [
        "Step 1 of 3: Hip rocks",
        "Step 2 of 3: Back roll",
        "Step 3 of 3: More hip rocks",
    ]
    [session] = saved_sessions(home)
    assert session.routine == "bridge" and session.completed and not session.hurt
    assert session.origin == "plain"
    assert (session.checkin.pain_before, session.checkin.pain_after) == (2, 1)
    assert session.checkin.stable is Stability.YES and session.checkin.felt is Felt.RIGHT
    assert session.checkin.note == "steady on the floor"
    assert session.duration == pytest.approx(80.0, abs=0.5)  # 8 x 2 x 2 + 2 x 2 x 4 + 8 x 2 x 2 counts of 1 s
    for path in home.rglob("*.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert in_progress(home) == []  # saved: its checkpoint is gone


def test_the_keys_pause_go_back_skip_ask_before_stopping_and_it_hurts_saves_at_once(
    plain, home: Path
) -> None:
    run = plain()
    run.expect("Hip rocks, lift 1 of 8: raise, 2 counts")
    run.advance(2.0)
    run.expect("Hip rocks, lift 1 of 8: lower, 2 counts")

    run.press(" ")
    run.expect("Paused. Space to go on.")
    run.advance(30.0)  # paused: the clock moves, the session does not
    assert "lift 2 of 8" not in run.quiet_for(0.5)
    run.press(" ")
    run.expect("Going on.")
    run.advance(2.0)
    run.expect("Hip rocks, lift 2 of 8: raise, 2 counts")

    run.advance(1.0)
    run.press("b")  # more than 2 s into the step: back to its start
    run.expect("Back.")
    run.expect("Hip rocks, lift 1 of 8: raise, 2 counts")

    run.press("n")
    run.expect("Skipped.")
    intro = run.expect("Step 2 of 3: Back roll.")  # a new step says what to do, once
    assert "Peel your spine" in intro
    run.expect("Back roll, lift 1 of 2: raise, 4 counts")
    run.advance(4.0)
    run.expect("Back roll, lift 1 of 2: lower, 4 counts")

    run.press("q")
    run.expect("End the session now?")
    run.answer("n")
    run.expect("Going on.")

    run.press("h")
    run.expect("Stopped because it hurts. Rest now.")
    run.expect("Saved, with where it hurt.")
    run.expect("Check-in: the session is saved")
    [first] = saved_sessions(home)  # on disk before any question is answered
    assert first.hurt and first.hurt_at is not None and first.hurt_at.pose == "back-roll"

    for answer in ("3", "6", "unsure", "hard", "a pinch low on the left"):
        run.answer(answer)
    run.expect("Saved, with where it hurt and your answers.")
    assert run.wait() == 0

    [session] = saved_sessions(home)
    assert session.id == first.id  # the answers complete the record `h` saved: still one session
    assert session.hurt and not session.completed
    assert session.hurt_at is not None and session.hurt_at.pose == "back-roll"
    assert (session.checkin.pain_before, session.checkin.pain_after) == (3, 6)
    assert session.checkin.stable is Stability.UNSURE and session.checkin.felt is Felt.HARD
    assert session.checkin.note == "a pinch low on the left"
    hip_rocks = session.steps[0]
    assert not hip_rocks.completed  # skipped with n


def test_leaving_without_saving_writes_nothing(plain, home: Path) -> None:
    run = plain()
    run.expect("Hip rocks, lift 1 of 8: raise, 2 counts")
    run.press("q")
    run.expect("End the session now?")
    run.answer("y")
    run.expect("Session ended early. Check-in")
    for answer in ("", "", "", "", ""):
        run.answer(answer)
    run.expect("Save this session?")
    run.answer("n")
    run.expect("Not saved.")
    assert run.wait() == 0
    assert saved_sessions(home) == []


def test_skipping_every_step_says_once_that_the_session_ended_early(plain, home: Path) -> None:
    run = plain("bridge-series-next")
    run.expect("After the bridge: the next poses: 5 steps")
    for step in range(1, 5):
        run.expect(f"Step {step} of 5:")
        run.press("n")
        run.expect("Skipped.")
    run.expect("Step 5 of 5:")
    run.press("n")
    run.expect("Skip the last step and end the session?")
    run.answer("y")
    run.expect("Check-in")
    for answer in ("", "", "", "", "", "y"):
        run.answer(answer)
    run.expect("Saved. See you tomorrow.")
    assert run.wait() == 0
    said = run.text.split("Skip the last step", 1)[1]
    assert "Session complete" not in said and "Well done" not in said  # not done: every step was skipped
    assert said.count("Session ended early.") == 1, said
    [session] = saved_sessions(home)
    assert not session.completed


def test_an_unknown_routine_is_refused_with_the_known_ones(home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "--home", str(home), "session", "bridg", "--plain"],
        cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "There is no routine 'bridg'" in result.stderr and "bridge" in result.stderr


def in_progress(home: Path) -> list:
    with Backroll(home) as service:
        found = service.in_progress.scan()
        ids = [checkpoint.session_id for _, checkpoint in found.usable]
        for file, _ in found.usable:
            file.release()
        return ids


def test_a_session_killed_mid_way_leaves_a_checkpoint_the_app_offers(plain, home: Path) -> None:
    run = plain()
    run.expect("Hip rocks, lift 1 of 8: raise, 2 counts")
    run.advance(2.0)
    run.expect("Hip rocks, lift 1 of 8: lower, 2 counts")
    run.press("n")
    run.expect("Back roll, lift 1 of 2: raise, 4 counts")
    time.sleep(1.0)  # the checkpoint writer's thread
    os.killpg(run.process.pid, signal.SIGKILL)
    run.process.wait(timeout=5)
    assert len(in_progress(home)) == 1
    assert saved_sessions(home) == []


def test_an_observation_is_asked_with_numbered_choices_and_its_answer_saved(plain, home: Path) -> None:
    run = plain("pelvic-tilt-check")
    run.expect("Step 1 of 5: Notice: before.")
    asked = run.expect("Choices: 1 a lot, 2 some, 3 a little, 4 none.")
    assert "Notice: before. How big is the gap" in asked
    run.answer("7")
    run.expect("'7' is not one of the choices; type 1 to 4.")
    run.answer("2")
    run.expect("Pelvic tilts, lift 1 of 6: raise, 3 counts")
    run.press("q")
    run.expect("End the session now?")
    run.answer("y")
    run.expect("Session ended early. Check-in")
    for answer in ("", "", "", "", "", "y"):
        run.answer(answer)
    run.expect("Saved. See you tomorrow.")
    assert run.wait() == 0
    [session] = saved_sessions(home)
    assert session.steps[0].answer == "some"


@pytest.mark.parametrize("leave", ["s", "\x1b", "ctrl+c"])
def test_skipping_the_rest_of_the_check_in_after_h_keeps_the_answers_given(
    plain, home: Path, leave: str
) -> None:
    """Issue 22: leaving the check-in after h must keep the answers already given (the app's Esc, here s or Esc or Ctrl+C)."""
    run = plain()
    run.expect("Hip rocks, lift 1 of 8: raise, 2 counts")
    run.press("h")
    run.expect("Saved, with where it hurt.")
    run.expect("skips the rest and keeps what you gave")
    run.expect("Pain before the session, 0 to 10?")
    run.answer("4")
    run.expect("Pain now, 0 to 10?")
    run.answer("6")
    run.expect("feel stable")
    if leave == "ctrl+c":
        os.killpg(
            run.process.pid, signal.SIGINT
        )  # what a terminal sends on Ctrl+C (this pty is not its controlling one)
    else:
        run.answer(leave)
    run.expect("your answers so far are kept")
    run.expect("Saved, with where it hurt and your answers.")
    assert run.wait() == 0
    [session] = saved_sessions(home)
    assert session.hurt
    assert (session.checkin.pain_before, session.checkin.pain_after, session.checkin.stable) == (4, 6, None)


def test_skipping_the_rest_of_an_ended_session_saves_what_was_given(plain, home: Path) -> None:
    run = plain()
    run.expect("Hip rocks, lift 1 of 8: raise, 2 counts")
    run.press("q")
    run.expect("End the session now?")
    run.answer("y")
    run.expect("Pain before the session, 0 to 10?")
    run.answer("2")
    run.expect("Pain now, 0 to 10?")
    run.answer("skip")
    run.expect("Saved. See you tomorrow.")
    assert run.wait() == 0
    [session] = saved_sessions(home)
    assert session.checkin.pain_before == 2 and session.checkin.pain_after is None


def test_today_s_pain_record_is_offered_as_the_pain_before_and_enter_keeps_it(plain, home: Path) -> None:
    with Backroll(home) as service:
        service.record_pain(4, service.today())
    run = plain()
    run.expect("Hip rocks, lift 1 of 8: raise, 2 counts")
    run.press("q")
    run.expect("End the session now?")
    run.answer("y")
    run.expect("Pain before the session, 0 to 10? Enter keeps today's 4.")
    run.answer("")
    run.expect("Pain now, 0 to 10?")
    run.answer("skip")
    run.expect("Saved. See you tomorrow.")
    assert run.wait() == 0
    [session] = saved_sessions(home)
    assert session.checkin.pain_before == 4 and session.checkin.pain_after is None


def test_a_signal_ends_the_wait_for_a_key_at_once() -> None:
    """Ctrl+C landing just before the wait for a key must not wait for the next key: while the keys are
    read, the signals' wakeup fd is a pipe that every wait watches, and it is given back after."""
    import threading

    from tracker.cli.plain import Keys

    read, write = os.pipe()
    before = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(before)
    seen: list[int] = []
    old = signal.signal(signal.SIGUSR1, lambda number, frame: seen.append(number))
    try:
        with os.fdopen(read) as stream, Keys(stream) as keys:
            assert keys.wakeup is not None
            timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGUSR1))
            timer.start()
            started = time.monotonic()
            assert keys._fill(30.0)  # nothing typed: only the signal can end this wait
            assert time.monotonic() - started < 10
            timer.join()
        assert seen == [signal.SIGUSR1]
        assert signal.set_wakeup_fd(before) == before  # given back
    finally:
        signal.signal(signal.SIGUSR1, old)
        os.close(write)
