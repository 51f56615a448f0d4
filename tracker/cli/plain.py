"""`backroll session ROUTINE --plain`: the session one line per change, for a screen reader or a braille display.

Nothing is redrawn and nothing moves: each change of step, side, rep or
phase is one new line ("Back roll, lift 2 of 3: raise, 4 counts"), said the
same way as the browser page's caption (tracker.cues.describe), and a new
step first says what to do ("Step 2 of 3: Back roll. Peel your spine ..."). Single keys
on stdin steer it, as in the app: space pauses and resumes, n skips, b goes
back, q stops (after a yes), h stops at once because it hurts and saves the
session straight away with where it hurt. Then the check-in, as questions,
and the same session record as the app saves, through the same service.

It runs on the same runner and clock as the app (tracker.runner). The clock
is `time.monotonic`; BACKROLL_CLOCK_FILE names a file holding the clock's
seconds instead, which the end-to-end tests move forward (a fake clock in a
real process on a real pseudo-terminal).

No Textual here: a terminal that cannot show the full-screen app can still run this.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import termios
import time
import tty
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from tracker.checkpoint import CHECKPOINT_INTERVAL
from tracker.cues import CuePrograms, describe, run_quietly, sound_for, spoken_text
from tracker.inert import inert
from tracker.model import CheckIn, Felt, Routine, Session, Stability, plural

if TYPE_CHECKING:
    from tracker.checkpoint import CheckpointFile, CheckpointWriter
    from tracker.runner import Cue, RunnerView
    from tracker.service import Backroll

T = TypeVar("T")

ENV_CLOCK_FILE = "BACKROLL_CLOCK_FILE"
KEYS_HELP = "Keys: space pause or go on, n skip, b back, q stop, h it hurts."
FAKE_CLOCK_POLL = 0.05  # seconds between reads of a clock file (the test moves it at any moment)
CHECKIN_KEYS = "Enter alone skips one; s then Enter skips the rest and keeps what you gave."
MAX_WAIT = 1.0  # never sleep longer than this between two looks at the runner


def file_clock(path: Path) -> Callable[[], float]:
    """A clock read from a file of seconds (tests); a missing or half-written file reads as the last value."""
    last = [0.0]

    def read() -> float:
        try:
            last[0] = float(path.read_text().strip())
        except (OSError, ValueError):
            pass
        return last[0]

    return read


def _char_length(lead: int) -> int:
    """How many bytes the UTF-8 character starting with byte `lead` takes (1 for a byte that cannot start one)."""
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 1


class SkipRest(Exception):
    """The person left the check-in's remaining questions (s, skip or Esc, then Enter)."""


class Keys:
    """Single keys from stdin without Enter when it is a terminal; whole lines for the questions.

    Linear in what arrives, however it arrives (a pasted megabyte, one endless line on a pipe): the bytes
    gather in a bytearray (appending is amortised O(1)), are consumed by moving an index (the consumed
    front is dropped once it is half the buffer), a line end is searched for only in bytes not searched
    before, and each byte is decoded once, when its key or its line is taken. A line end byte is never
    inside a UTF-8 character, so a line decodes on its own; a key waits for the rest of its character.
    """

    READ = 1 << 16  # bytes per read

    def __init__(self, stream: TextIO) -> None:
        self.fd: int | None
        try:
            self.fd = stream.fileno()
        except (AttributeError, ValueError, OSError):
            self.fd = None
        self.saved: list[Any] | None = None  # termios' attributes, as tcgetattr gives them
        self.buffer = bytearray()  # not yet consumed from `self.at` on
        self.at = 0
        self.scanned: dict[bytes, int] = {}  # line ends -> none of them in buffer[at:scanned[ends]]
        self.closed = self.fd is None
        # A signal (Ctrl+C) that lands between Python's last look at its signals and the select() call
        # would wait for the next key; the wakeup pipe is in every select, so it ends the wait at once.
        self.wakeup: int | None = None  # the pipe's read end, while its write end is the wakeup fd
        self._wakeup_write: int | None = None
        self._old_wakeup = -1

    def __enter__(self) -> Keys:
        if self.fd is not None and os.isatty(self.fd):
            self.saved = termios.tcgetattr(self.fd)
            tty.setcbreak(self.fd, termios.TCSANOW)  # not TCSAFLUSH: keep keys typed ahead
        read, write = os.pipe()
        os.set_blocking(read, False)
        os.set_blocking(write, False)
        try:
            self._old_wakeup = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
        except ValueError:  # not the main thread: no signal is handled here anyway
            os.close(read)
            os.close(write)
        else:
            self.wakeup, self._wakeup_write = read, write
        return self

    def __exit__(self, *exc: object) -> None:
        self._cooked()
        if self.wakeup is not None and self._wakeup_write is not None:
            signal.set_wakeup_fd(self._old_wakeup)
            os.close(self.wakeup)
            os.close(self._wakeup_write)
            self.wakeup = self._wakeup_write = None

    def _cooked(self) -> None:
        if self.saved is not None and self.fd is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)

    @property
    def waiting(self) -> bool:
        return self.at < len(self.buffer)

    def _take(self, end: int, skip: int = 0) -> str:
        """buffer[at:end] decoded, consumed with `skip` more bytes (the line end)."""
        taken = bytes(self.buffer[self.at : end]).decode("utf-8", "replace")
        self.at = min(end + skip, len(self.buffer))
        if self.at > 4096 and self.at * 2 > len(self.buffer):  # amortised: each byte is moved O(1) times
            del self.buffer[: self.at]
            self.scanned = {ends: max(0, seen - self.at) for ends, seen in self.scanned.items()}
            self.at = 0
        return taken

    def _line_end(self, ends: bytes) -> int | None:
        """Index of the first of the bytes `ends` after `at`, searching only what was not searched before."""
        start = max(self.at, self.scanned.get(ends, 0))
        found = [
            i
            for i in (self.buffer.find(end, start) for end in (ends[n : n + 1] for n in range(len(ends))))
            if i >= 0
        ]
        best = min(found) if found else None
        self.scanned[ends] = len(self.buffer) if best is None else best
        return best

    def _fill(self, timeout: float) -> bool:
        """Read what is waiting (up to `timeout` seconds); False on end of input."""
        if self.closed or self.fd is None:
            return False
        watched = [self.fd] if self.wakeup is None else [self.fd, self.wakeup]
        ready, _, _ = select.select(watched, [], [], max(0.0, timeout))
        if self.wakeup is not None and self.wakeup in ready:
            try:
                os.read(self.wakeup, 512)  # a signal arrived: its handler runs as this returns
            except BlockingIOError:
                pass
            if self.fd not in ready:
                return True
        if not ready:
            return True
        data = os.read(self.fd, self.READ)
        if not data:
            self.closed = True
            return False
        self.buffer += data
        return True

    def _key_ready(self) -> bool:
        """A whole character is waiting (or the input has ended)."""
        return self.waiting and (
            self.closed or self.at + _char_length(self.buffer[self.at]) <= len(self.buffer)
        )

    def _one_key(self) -> str | None:
        """The next character, or None while its last bytes have not arrived."""
        size = _char_length(self.buffer[self.at])
        if self.at + size > len(self.buffer) and not self.closed:
            return None
        raw = bytes(self.buffer[self.at : self.at + size])
        try:
            key = raw.decode("utf-8")
        except UnicodeDecodeError:
            key, size = "\ufffd", 1  # not UTF-8: one byte, shown as the replacement character
        self._take(self.at, size)
        return key

    def key(self, timeout: float) -> str | None:
        """One key pressed within `timeout` seconds, or None."""
        by_line = (
            self.saved is None
        )  # not a terminal (a pipe, a file): one key a line, so answers are not read as keys
        if not (self._line_end(b"\n") is not None if by_line else self._key_ready()):
            if self.closed:
                time.sleep(max(0.0, timeout))  # no more keys: the session goes on by itself
            else:
                self._fill(timeout)
        if not self.waiting:
            return None
        if not by_line:
            return self._one_key()
        end = self._line_end(b"\n")
        if end is None:
            if not self.closed:
                return None
            end = len(self.buffer)
        return self._take(end, 1).strip()[:1] or "\n"

    def line(self) -> str | None:
        """A line typed and ended with Enter (echoed, editable); None at end of input."""
        if self.saved is not None and self.fd is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)
        try:
            end = self._line_end(b"\n\r")
            while end is None:
                if not self._fill(3600.0):
                    break
                end = self._line_end(b"\n\r")
            if not self.waiting and self.closed:
                return None
            if end is None:
                end = len(self.buffer)
            skip = 2 if self.buffer[end : end + 2] == b"\r\n" else 1
            return self._take(end, skip).strip()
        finally:
            if self.saved is not None and self.fd is not None:
                tty.setcbreak(self.fd, termios.TCSANOW)  # not TCSAFLUSH: keep keys typed ahead

    def drop_typed_ahead(self) -> None:
        self.buffer, self.at, self.scanned = bytearray(), 0, {}


class Cues:
    """The same sounds and words as the app: the phase's tones (or the bell pattern) and the voice when on."""

    def __init__(self, out: TextIO, sound: bool, voice: bool) -> None:
        self.out = out
        self.sound = sound
        self.programs = CuePrograms(player=None if sound else "", voice=None if voice else "")

    def play(self, cues: list[Cue]) -> bool:
        chosen = sound_for(cues)
        if chosen is None:
            return False
        if self.sound:
            command = self.programs.sound_command(chosen)
            if command is None:  # the bell pattern; a screen reader says nothing for a bell
                self._bells(chosen.bells, chosen.bell_gap)
            else:
                _background(command)
        text = spoken_text(cues)
        said = self.programs.say_command(text) if text else None
        if said is not None:
            _background(said)
        return True

    def _bells(self, rings: int, gap: float) -> None:
        out = self.out

        def ring() -> None:
            for number in range(rings):
                if number:
                    time.sleep(gap)  # apart, or the terminal hears one ring
                out.write("\a")
                out.flush()

        import threading

        threading.Thread(target=ring, daemon=True).start()

    def close(self) -> None:
        self.programs.remove_files()


def _background(command: list[str]) -> None:
    import threading

    threading.Thread(target=run_quietly, args=(command,), daemon=True).start()


class PlainSession:
    """One session, line by line; `run()` returns the saved Session, or None when not kept."""

    def __init__(
        self,
        service: Backroll,
        routine: Routine,
        clock: Callable[[], float],
        keys: Keys,
        out: TextIO,
        *,
        fake_clock: bool = False,
    ) -> None:
        self.service = service
        self.routine = routine
        self.clock = clock
        self.keys = keys
        self.out = out
        self.fake_clock = fake_clock
        self.runner = service.start_run(routine, clock)
        self.started_at: datetime = service.now()
        self.session_id = Session.new_id()
        settings = service.settings
        self.cues = Cues(out, settings.sound, settings.voice)
        self.hurt_saved: Session | None = None
        self.checkpoint = PlainCheckpoint(self)

    def say(self, line: str) -> None:
        self.out.write(inert(line) + "\n")  # names, titles and cues come from routine files
        self.out.flush()

    # The session ---------------------------------------------------------------

    def run(self) -> Session | None:
        runner = self.runner
        minutes = max(1, round(runner.planned_seconds / 60))
        runner.start()
        steps = runner.view().step_count  # the steps that run (optional ones left out)
        self.say(f"{self.routine.name}: {plural(steps, 'step')}, about {minutes} min. {KEYS_HELP}")
        self.checkpoint.start()
        try:
            self._loop()
        except KeyboardInterrupt:
            if not runner.done:
                runner.stop()
            self.say("Interrupted.")
        finally:
            self.cues.close()
        self.checkpoint.write()
        saved = self._check_in()
        self.checkpoint.finish()  # saved, or left on purpose: the checkpoint has done its job
        return saved

    def _loop(self) -> None:
        runner = self.runner
        asked: tuple[int, str] | None = None
        while not runner.done:
            cues = runner.poll()
            view = runner.view()
            if any(cue.kind == "step" for cue in cues) and view.status in ("running", "observing"):
                self.say(step_intro(view))  # what to do, once, before its first phase
            if self.cues.play(cues) and not view.question and view.status != "finished":
                self.say(describe(view))
            if runner.done:
                break
            if view.question and asked != (view.step_index, view.question):
                asked = (view.step_index, view.question)
                self._ask(view)
                continue
            self.checkpoint.maybe_write(view)
            key = self.keys.key(self._wait())
            if key is not None:
                self._press(key)
        # How it ended is said once, by the check-in's first line: the runner's "finished" only means the
        # timeline ran out, which skipping the last step also does, so it cannot tell "complete" on its own.

    def _wait(self) -> float:
        if self.fake_clock:
            return FAKE_CLOCK_POLL
        change: float | None = self.runner.next_change()
        if change is None:
            return MAX_WAIT
        return min(MAX_WAIT, max(0.01, change - self.clock() + 0.002))

    def _press(self, key: str) -> None:
        runner = self.runner
        if key in (" ", "p"):
            runner.toggle_pause()
            self.say("Paused. Space to go on." if runner.status == "paused" else "Going on.")
        elif key == "n":
            if runner.view().next_title is None and not self._sure("Skip the last step and end the session?"):
                return
            runner.skip()
            self.say("Skipped.")
        elif key == "b":
            runner.back()
            self.say("Back.")
        elif key in ("q", "\x1b"):
            if self._sure("End the session now? What you have done so far can still be saved."):
                runner.stop()
        elif key == "h":
            self._hurt()
        elif key in ("?", "\n", "\r"):
            self.say(KEYS_HELP)

    def _sure(self, question: str) -> bool:
        """Pause, ask yes or no, and go on as before on no."""
        runner = self.runner
        was_running = runner.status == "running"
        if was_running:
            runner.pause()
        self.say(f"{question} Type y or n, then Enter.")
        answer = (self.keys.line() or "").lower()
        yes = answer.startswith("y")
        if not yes:
            self.say("Going on.")
            if was_running and runner.status == "paused":
                runner.resume()
        return yes

    def _hurt(self) -> None:
        """Stop at once and save the session with where it hurt, before any question."""
        self.runner.hurt()
        self.keys.drop_typed_ahead()
        self.say("Stopped because it hurts. Rest now.")
        session = self._session(CheckIn())
        try:
            self.service.save_session(session)
            self.hurt_saved = session
            self.say("Saved, with where it hurt.")
        except Exception as error:
            self.say(f"Not saved yet: {error}")

    def _ask(self, view: RunnerView) -> None:
        choices = list(view.choices)
        self.say(describe(view))
        if choices:
            numbered = ", ".join(f"{n} {choice}" for n, choice in enumerate(choices, 1))
            self.say(
                f"Choices: {numbered}. Type a number or the word, then Enter; Enter alone skips; h then Enter if it hurts."
            )
        else:
            self.say("Type what you notice, then Enter; Enter alone skips; h then Enter if it hurts.")
        while True:
            answer = self.keys.line()
            if answer is None or answer == "":
                self.runner.answer("")
                return
            if answer.lower() == "h":
                self._hurt()
                return
            if choices:
                picked = _pick(answer, choices)
                if picked is None:
                    self.say(f"{_shown(answer)} is not one of the choices; type 1 to {len(choices)}.")
                    continue
                answer = picked
            self.runner.answer(answer)
            return

    # The check-in ----------------------------------------------------------------

    def _session(self, checkin: CheckIn) -> Session:
        return self.service.make_session(
            self.routine,
            self.runner.results(),
            checkin,
            self.started_at,
            session_id=self.session_id,
            origin="plain",
        )

    def _check_in(self) -> Session | None:
        result = self.runner.results()
        hurt = result.hurt_at is not None
        if hurt:
            self.say(f"Check-in: the session is saved; these answers are optional. {CHECKIN_KEYS}")
        elif result.completed:
            self.say(f"Session complete. Well done. Check-in: every answer is optional. {CHECKIN_KEYS}")
        else:
            self.say(f"Session ended early. Check-in: every answer is optional. {CHECKIN_KEYS}")
        checkin = CheckIn()  # filled one answer at a time: skipping the rest keeps every one given
        skipped = False
        try:
            record = (
                self.service.pain_score_today()
            )  # "How is your back today?": Enter keeps it, as in the app
            checkin = replace(
                checkin,
                pain_before=self._number(
                    "Pain before the session, 0 to 10?", offered=record.value if record is not None else None
                ),
            )
            checkin = replace(checkin, pain_after=self._number("Pain now, 0 to 10?"))
            stable = self._word(
                "Did your legs and back feel stable: yes, no or unsure?", [s.value for s in Stability]
            )
            checkin = replace(checkin, stable=_maybe(Stability, stable))
            checkin = replace(
                checkin,
                felt=_maybe(
                    Felt, self._word("How did it feel: easy, right or hard?", [f.value for f in Felt])
                ),
            )
            checkin = replace(checkin, note=self._text("A note?"))
        except (
            SkipRest,
            KeyboardInterrupt,
        ):  # s, Esc, or Ctrl+C: as the app's Esc, the answers given so far are kept
            skipped = True
            self.say("The rest skipped; your answers so far are kept.")
        if not hurt and not skipped:
            self.say("Save this session? Type y or n, then Enter (Enter alone saves).")
            answer = (self.keys.line() or "y").lower()
            if answer.startswith("n"):
                self.say("Not saved.")
                return None
        session = self._session(checkin)
        try:
            self.service.save_session(session)
        except Exception as error:
            path = self.service.rescue(session)
            self.say(f"Not saved: {error}. Written to {path}; run `backroll import {path}` later.")
            return None
        self.say("Saved, with where it hurt and your answers." if hurt else "Saved. See you tomorrow.")
        return session

    def _answer(self) -> str | None:
        """One check-in answer; raises SkipRest on s, skip or Esc (then Enter)."""
        answer = self.keys.line()
        if answer is not None and (answer.startswith("\x1b") or answer.lower() in ("s", "skip")):
            raise SkipRest
        return answer

    def _number(self, question: str, *, offered: int | None = None) -> int | None:
        """A score from 0 to 10; Enter alone gives `offered` (today's pain record), else no answer."""
        if offered is not None:
            question += f" Enter keeps today's {offered}."
        while True:
            self.say(question)
            answer = self._answer()
            if not answer:
                return offered
            if answer.isascii() and answer.isdigit() and len(answer) <= 2 and 0 <= int(answer) <= 10:
                return int(answer)
            self.say(f"{_shown(answer)} is not a whole number from 0 to 10.")

    def _word(self, question: str, choices: list[str]) -> str | None:
        while True:
            self.say(question)
            answer = self._answer()
            if not answer:
                return None
            picked = _pick(answer, choices)
            if picked is not None:
                return picked
            self.say(f"{_shown(answer)} is not one of: {', '.join(choices)}.")

    def _text(self, question: str) -> str:
        self.say(question)
        return (self._answer() or "")[:500]


class PlainCheckpoint:
    """The session's checkpoint on disk, as the app keeps one (tracker.resume): a crash or a closed terminal
    loses nothing, and the next `backroll` offers to resume or save it. Written at each block or status
    change and at least every CHECKPOINT_INTERVAL seconds; a home that cannot take one only loses this."""

    def __init__(self, session: PlainSession) -> None:
        self.session = session
        self.file: CheckpointFile | None = None
        self.writer: CheckpointWriter | None = None
        self.last: tuple[object, ...] | None = None
        self.last_at = float("-inf")

    def start(self) -> None:
        in_progress = self.session.service.in_progress
        try:
            self.file = in_progress.begin(self.session.session_id)
            self.writer = in_progress.writer(self.file)
        except Exception as error:
            self.session.say(f"This session has no checkpoint: {error}")

    def maybe_write(self, view: RunnerView) -> None:
        key = (view.block, view.status)
        if key != self.last or self.session.clock() - self.last_at >= CHECKPOINT_INTERVAL:
            self.last = key
            self.write()

    def write(self) -> None:
        if self.writer is None:
            return
        session = self.session
        self.last_at = session.clock()
        self.writer.submit(session.service.in_progress.capture(
            session.runner, session_id=session.session_id, routine=session.routine, started_at=session.started_at,
        ))  # fmt: skip

    def finish(self) -> None:
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.close()
        if self.file is not None:
            try:
                self.file.remove()
            except OSError:
                pass  # a left-over checkpoint of a saved session is never saved twice (same id)


def step_intro(view: RunnerView) -> str:
    """ "Step 2 of 3: Back roll. Peel your spine off the floor ..." """
    cue = f" {view.cue.strip()}" if view.cue and view.cue.strip() else ""
    return f"Step {view.step_number} of {view.step_count}: {view.title}.{cue}"


def _shown(answer: str) -> str:
    """An answer quoted back, cut short: a pasted megabyte is not printed again."""
    return repr(answer if len(answer) <= 40 else answer[:37] + "...")


def _pick(answer: str, choices: list[str]) -> str | None:
    """The choice typed as its number, its word, or the start of its word."""
    text = answer.strip().lower()
    if text.isascii() and text.isdigit() and len(text) <= 3 and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1]
    for choice in choices:
        if choice.lower() == text:
            return choice
    starts = [choice for choice in choices if choice.lower().startswith(text)]
    return starts[0] if len(starts) == 1 else None


def _maybe(kind: Callable[[str], T], value: str | None) -> T | None:
    return kind(value) if value else None


def run_plain(
    service: Backroll, routine_id: str, out: TextIO | None = None, stdin: TextIO | None = None
) -> Session | None:
    """Run ROUTINE in plain mode on this process's stdin and stdout."""
    out = out or sys.stdout
    routine = service.routine(routine_id)
    clock_file = os.environ.get(ENV_CLOCK_FILE)
    clock = file_clock(Path(clock_file)) if clock_file else time.monotonic
    with Keys(stdin or sys.stdin) as keys:
        session = PlainSession(service, routine, clock, keys, out, fake_clock=bool(clock_file))
        return session.run()


__all__ = ["ENV_CLOCK_FILE", "Keys", "PlainSession", "file_clock", "run_plain"]
